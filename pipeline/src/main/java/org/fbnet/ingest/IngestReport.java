package org.fbnet.ingest;

import java.util.List;

/** What one ingest run did, per subject. */
public record IngestReport(List<SubjectResult> subjects) {

    /** One subject's outcome; rates are 0 for skipped subjects. */
    public record SubjectResult(String subject, boolean skipped, long fmriRows, long bytesRead, double seconds) {
        public double rowsPerSecond() { return seconds > 0 ? fmriRows / seconds : 0; }

        public double megabytesPerSecond() { return seconds > 0 ? bytesRead / 1e6 / seconds : 0; }
    }
}
