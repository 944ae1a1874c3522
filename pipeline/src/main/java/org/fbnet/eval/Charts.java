package org.fbnet.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fbnet.eval.EpochRecord;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG plots, drawn with JFreeChart off-screen: the per-subject ROI bar chart (left vs
 * right hemisphere per ROI, as in the F-BNet paper's figure) and the training curves.
 */
public final class Charts {
    private static final Color LEFT = new Color(0x1f77b4), RIGHT = new Color(0xff7f0e);
    private static final Color[] SERIES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private static final java.awt.Shape[] SHAPES = org.jfree.chart.plot.DefaultDrawingSupplier.createStandardSeriesShapes();

    static {
        // Plots are rendered on servers without a display.
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() { }

    /**
     * Mean accuracy per ROI of one subject, one bar per hemisphere: noise-normalized score where
     * ceilings exist, else mean r. Empty ROIs get no bar. Families are separated in the labels.
     */
    public static byte[] roiBars(EvaluationReport report, String subject) {
        List<EvaluationReport.ScoreRow> lh = report.roiRows(subject, "lh"), rh = report.roiRows(subject, "rh");
        boolean scores = report.row(EvaluationReport.LEVEL_SUBJECT, subject, EvaluationReport.ALL) != null
                && report.row(EvaluationReport.LEVEL_SUBJECT, subject, EvaluationReport.ALL).meanScore() != null;
        // ROI names repeat across families in some atlases; label by name and add the family only then.
        Map<String, Integer> nameCount = new HashMap<>();
        Set<String> keys = new LinkedHashSet<>();
        for (List<EvaluationReport.ScoreRow> rows : List.of(lh, rh)) {
            for (EvaluationReport.ScoreRow r : rows) {
                if (keys.add(r.family() + "/" + r.roi())) nameCount.merge(r.roi(), 1, Integer::sum);
            }
        }
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (String key : keys) {
            String family = key.substring(0, key.indexOf('/')), roi = key.substring(key.indexOf('/') + 1);
            String label = nameCount.get(roi) > 1 ? family + ":" + roi : roi;
            ds.addValue(value(lh, family, roi, scores), "left hemisphere", label);
            ds.addValue(value(rh, family, roi, scores), "right hemisphere", label);
        }
        String metric = scores ? "noise-normalized accuracy (%)" : "mean Pearson r";
        JFreeChart chart = ChartFactory.createBarChart(subject + ": " + metric + " per ROI (" + report.name() + ")",
                "ROI", metric, ds);
        CategoryPlot plot = chart.getCategoryPlot();
        style(chart);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(2.0f);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setSeriesPaint(0, LEFT);
        renderer.setSeriesPaint(1, RIGHT);
        int width = Math.max(900, 60 + 38 * keys.size());
        return png(chart, width, 560);
    }

    private static Double value(List<EvaluationReport.ScoreRow> rows, String family, String roi, boolean scores) {
        for (EvaluationReport.ScoreRow r : rows) {
            if (r.family().equals(family) && r.roi().equals(roi)) return scores ? r.meanScore() : r.meanR();
        }
        return null;
    }

    /**
     * Training loss and validation accuracy per epoch, one line per run (e.g. variant and seed):
     * loss on top, validation mean r below, and validation score at the bottom when any run has it.
     * <p>Runs with negative losses (the racing loss lies in [-2, 0]) and with positive ones (MSE, two
     * orders larger) get separate loss panels: on one axis the racing curves were flat lines. A run
     * keeps its colour and marker in every panel.
     */
    public static byte[] trainingCurves(String title, Map<String, List<EpochRecord>> runs) {
        XYSeriesCollection negative = new XYSeriesCollection(), positive = new XYSeriesCollection();
        XYSeriesCollection r = new XYSeriesCollection(), score = new XYSeriesCollection();
        List<Integer> negativeRuns = new ArrayList<>(), positiveRuns = new ArrayList<>(), allRuns = new ArrayList<>();
        boolean anyScore = false;
        int index = 0;
        for (Map.Entry<String, List<EpochRecord>> run : runs.entrySet()) {
            XYSeries l = new XYSeries(run.getKey()), vr = new XYSeries(run.getKey()), vs = new XYSeries(run.getKey());
            boolean allNegative = true;
            for (EpochRecord e : run.getValue()) {
                l.add(e.epoch(), e.trainLoss());
                allNegative &= !(e.trainLoss() > 0);
                vr.add(e.epoch(), e.validationR());
                if (!Double.isNaN(e.validationScore())) {
                    vs.add(e.epoch(), e.validationScore());
                    anyScore = true;
                }
            }
            (allNegative ? negative : positive).addSeries(l);
            (allNegative ? negativeRuns : positiveRuns).add(index);
            r.addSeries(vr);
            score.addSeries(vs);
            allRuns.add(index++);
        }
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(12);
        boolean split = !negativeRuns.isEmpty() && !positiveRuns.isEmpty();
        if (!negativeRuns.isEmpty()) plot.add(linePlot(negative, split ? "training loss (< 0)" : "training loss", negativeRuns, false), 1);
        if (!positiveRuns.isEmpty()) plot.add(linePlot(positive, split ? "training loss (> 0)" : "training loss", positiveRuns, false), 1);
        plot.add(linePlot(r, "validation mean r", allRuns, true), 1);
        if (anyScore) plot.add(linePlot(score, "validation score (%)", allRuns, false), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        style(chart);
        int panels = (split ? 2 : 1) + 1 + (anyScore ? 1 : 0);
        return png(chart, 900, 130 + 260 * panels);
    }

    private static XYPlot linePlot(XYSeriesCollection data, String label, List<Integer> runIndex, boolean inLegend) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        // The panels share runs, colours and markers: one legend entry per run.
        renderer.setDefaultSeriesVisibleInLegend(inLegend);
        for (int i = 0; i < runIndex.size(); i++) {
            int run = runIndex.get(i);
            renderer.setSeriesPaint(i, SERIES[run % SERIES.length]);
            renderer.setSeriesShape(i, SHAPES[run % SHAPES.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot p = new XYPlot(data, null, axis, renderer);
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    }

    private static byte[] png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
