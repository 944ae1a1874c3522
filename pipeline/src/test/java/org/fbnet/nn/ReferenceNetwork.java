package org.fbnet.nn;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.nn.layer.LeakInjection;

/**
 * A plain-Java double-precision forward pass of the F-BNet network (no dropout), written from the
 * paper's equations and reading the weights out of a DL4J graph: the independent reference for tests.
 */
final class ReferenceNetwork {
    final double[][] embedW, resW, leakW, lhW, rhW;
    final double[] embedB, resB, leakB, lhB, rhB;
    final double[] slope;
    final double alpha, beta;

    private ReferenceNetwork(ComputationGraph g, NetworkConfig c) {
        embedW = g.getVertex(FbnetNetwork.EMBED).paramTable(false).get("W").toDoubleMatrix();
        embedB = g.getVertex(FbnetNetwork.EMBED).paramTable(false).get("b").toDoubleVector();
        resW = g.getVertex(FbnetNetwork.RESIDUAL_DENSE).paramTable(false).get("W").toDoubleMatrix();
        resB = g.getVertex(FbnetNetwork.RESIDUAL_DENSE).paramTable(false).get("b").toDoubleVector();
        slope = g.getVertex(FbnetNetwork.RESIDUAL).paramTable(false).get(org.fbnet.nn.layer.ResidualPReLU.ALPHA).toDoubleVector();
        leakW = g.getVertex(FbnetNetwork.LEAK).paramTable(false).get(LeakInjection.WEIGHT).toDoubleMatrix();
        leakB = g.getVertex(FbnetNetwork.LEAK).paramTable(false).get(LeakInjection.BIAS).toDoubleVector();
        lhW = g.getLayer(FbnetNetwork.HEAD_LH).getParam("W").toDoubleMatrix();
        lhB = g.getLayer(FbnetNetwork.HEAD_LH).getParam("b").toDoubleVector();
        rhW = g.getLayer(FbnetNetwork.HEAD_RH).getParam("W").toDoubleMatrix();
        rhB = g.getLayer(FbnetNetwork.HEAD_RH).getParam("b").toDoubleVector();
        alpha = c.alpha();
        beta = c.beta();
    }

    static ReferenceNetwork of(ComputationGraph g, NetworkConfig c) { return new ReferenceNetwork(g, c); }

    static double[] affine(double[] in, double[][] w, double[] b) {
        double[] out = b.clone();
        for (int i = 0; i < in.length; i++) for (int j = 0; j < out.length; j++) out[j] += in[i] * w[i][j];
        return out;
    }

    double[][] forward(double[][] x, double[][] y, double[][] z, boolean training) {
        double[][] out = new double[x.length][];
        for (int n = 0; n < x.length; n++) {
            double[] h = affine(x[n], embedW, embedB);
            double[] d = affine(h, resW, resB);
            for (int j = 0; j < h.length; j++) h[j] += d[j] >= 0 ? d[j] : slope[j] * d[j];
            double[] py = affine(y[n], leakW, leakB), pz = affine(z[n], leakW, leakB);
            for (int j = 0; j < h.length; j++) {
                h[j] = training ? (h[j] + alpha * py[j] + beta * pz[j]) / (1 + alpha + beta)
                        : (h[j] - (alpha + beta) * pz[j]) / (1 + alpha + beta);
            }
            double[] l = affine(h, lhW, lhB), r = affine(h, rhW, rhB);
            out[n] = new double[l.length + r.length];
            System.arraycopy(l, 0, out[n], 0, l.length);
            System.arraycopy(r, 0, out[n], l.length, r.length);
        }
        return out;
    }
}
