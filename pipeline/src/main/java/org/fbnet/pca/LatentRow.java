package org.fbnet.pca;

import java.io.Serializable;

/** One row of the latents dataset as a Spark bean (see {@link org.fbnet.store.Datasets#LATENTS}). */
public final class LatentRow implements Serializable {
    private static final long serialVersionUID = 1L;
    private String split;
    private int rowIndex;
    private int nsdId;
    private float[] x;
    private float[] lh;
    private float[] rh;

    public LatentRow() { }

    LatentRow(String split, int rowIndex, int nsdId, float[] x, float[] lh, float[] rh) {
        this.split = split;
        this.rowIndex = rowIndex;
        this.nsdId = nsdId;
        this.x = x;
        this.lh = lh;
        this.rh = rh;
    }

    public String getSplit() { return split; }
    public void setSplit(String split) { this.split = split; }
    public int getRowIndex() { return rowIndex; }
    public void setRowIndex(int rowIndex) { this.rowIndex = rowIndex; }
    public int getNsdId() { return nsdId; }
    public void setNsdId(int nsdId) { this.nsdId = nsdId; }
    public float[] getX() { return x; }
    public void setX(float[] x) { this.x = x; }
    public float[] getLh() { return lh; }
    public void setLh(float[] lh) { this.lh = lh; }
    public float[] getRh() { return rh; }
    public void setRh(float[] rh) { this.rh = rh; }
}
