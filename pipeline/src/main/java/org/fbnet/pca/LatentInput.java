package org.fbnet.pca;

import java.io.Serializable;

/**
 * One row the project stage turns into latents (a Spark bean: its float arrays decode without boxing):
 * the image's features and, where measured, the fMRI of both hemispheres.
 */
public final class LatentInput implements Serializable {
    private static final long serialVersionUID = 1L;
    private String split;
    private int rowIndex;
    private int nsdId;
    private float[] feature;
    private float[] lh;
    private float[] rh;

    public String getSplit() { return split; }
    public void setSplit(String split) { this.split = split; }
    public int getRowIndex() { return rowIndex; }
    public void setRowIndex(int rowIndex) { this.rowIndex = rowIndex; }
    public int getNsdId() { return nsdId; }
    public void setNsdId(int nsdId) { this.nsdId = nsdId; }
    public float[] getFeature() { return feature; }
    public void setFeature(float[] feature) { this.feature = feature; }
    public float[] getLh() { return lh; }
    public void setLh(float[] lh) { this.lh = lh; }
    public float[] getRh() { return rh; }
    public void setRh(float[] rh) { this.rh = rh; }
}
