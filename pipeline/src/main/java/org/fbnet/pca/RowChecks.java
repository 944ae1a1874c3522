package org.fbnet.pca;

import org.fbnet.data.InputDataException;

/** Validation of PCA input rows, with errors that name the data and the row. */
final class RowChecks {
    private RowChecks() { }

    static void check(float[] row, int columns, String source, String where) {
        if (row == null) throw new InputDataException(source + ": " + where + " is null");
        if (row.length != columns) {
            throw new InputDataException(source + ": " + where + " has " + row.length + " values, expected "
                    + columns + " like the first row (dimension mismatch)");
        }
        for (int j = 0; j < row.length; j++) {
            if (!Float.isFinite(row[j])) {
                throw new InputDataException(source + ": " + where + " has " + row[j] + " at column " + j
                        + "; PCA input must be finite (impute or drop such rows first)");
            }
        }
    }
}
