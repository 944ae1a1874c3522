package org.fbnet.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Renders an {@link ImageDraw} as a picture (Java2D), so that a vision encoder can recover much of
 * the latent from pixels. Latent dimensions, each through a sigmoid:
 * <ul>
 * <li>0-2 background hue, saturation, brightness; 3-4 direction and strength of a shading gradient;</li>
 * <li>5-7 stripe texture frequency, orientation and contrast;</li>
 * <li>8-10 shape hue, saturation, brightness; 11 number of shapes (1-6); 12 shape size;
 *     13 shape kind (circles, squares, triangles); 14-15 centre of the shape cluster.</li>
 * </ul>
 * Where exactly each shape sits and how it is turned comes from a per-NSD-id random stream the brain
 * model never sees: detail an encoder encodes and the brain ignores.
 * Rendering and PNG encoding are deterministic: an NSD id always gives the same bytes.
 */
public final class ImageRenderer {
    private final long seed;
    private final int size;

    public ImageRenderer(long seed, int size) {
        this.seed = seed;
        this.size = size;
    }

    private static double s(double[] z, int i) { return Rng.sigmoid(z[i]); }

    /** The picture of a draw. */
    public BufferedImage render(ImageDraw draw) {
        double[] z = draw.latent();
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            // Hue kept in [0, 0.8] so it does not wrap from red back to red.
            Color background = Color.getHSBColor((float) (0.8 * s(z, 0)), (float) (0.2 + 0.7 * s(z, 1)), (float) (0.25 + 0.7 * s(z, 2)));
            g.setColor(background);
            g.fillRect(0, 0, size, size);

            double angle = Math.atan2(z[4], z[3]);
            float strength = (float) Math.min(1, Math.hypot(z[3], z[4]) / 2.5);
            float cx = size / 2f, cy = size / 2f, dx = (float) (Math.cos(angle) * size / 2), dy = (float) (Math.sin(angle) * size / 2);
            g.setPaint(new GradientPaint(cx - dx, cy - dy, new Color(0, 0, 0, 0), cx + dx, cy + dy,
                    new Color(0, 0, 0, (int) (170 * strength))));
            g.fillRect(0, 0, size, size);

            double stripes = 2 + 14 * s(z, 5);
            double orientation = Math.PI * s(z, 6);
            int alpha = (int) (200 * s(z, 7));
            double period = size / stripes;
            g.setStroke(new BasicStroke((float) (period / 2.5)));
            g.setColor(new Color(255, 255, 255, alpha));
            AffineTransform saved = g.getTransform();
            g.rotate(orientation, size / 2.0, size / 2.0);
            for (double x = -size; x < 2 * size; x += period) g.draw(new Line2D.Double(x, -size, x, 2 * size));
            g.setTransform(saved);

            SplittableRandom r = Rng.of(seed, Rng.SHAPES, draw.nsdId());
            Color shapeColor = Color.getHSBColor((float) (0.8 * s(z, 8)), (float) (0.4 + 0.6 * s(z, 9)), (float) (0.3 + 0.7 * s(z, 10)));
            int count = 1 + (int) Math.min(5, 6 * s(z, 11));
            double side = size * (0.08 + 0.3 * s(z, 12));
            double kind = s(z, 13);
            double centreX = size * (0.2 + 0.6 * s(z, 14)), centreY = size * (0.2 + 0.6 * s(z, 15));
            for (int i = 0; i < count; i++) {
                double x = centreX + r.nextGaussian() * size * 0.12, y = centreY + r.nextGaussian() * size * 0.12;
                double rot = r.nextDouble() * Math.PI;
                double k = kind + 0.15 * r.nextGaussian();
                java.awt.Shape shape;
                if (k < 0.35) {
                    shape = new Ellipse2D.Double(x - side / 2, y - side / 2, side, side);
                } else if (k < 0.65) {
                    shape = AffineTransform.getRotateInstance(rot, x, y).createTransformedShape(
                            new Rectangle2D.Double(x - side / 2, y - side / 2, side, side));
                } else {
                    Path2D.Double t = new Path2D.Double();
                    for (int c = 0; c < 3; c++) {
                        double a = rot + c * 2 * Math.PI / 3;
                        double px = x + Math.cos(a) * side * 0.6, py = y + Math.sin(a) * side * 0.6;
                        if (c == 0) t.moveTo(px, py); else t.lineTo(px, py);
                    }
                    t.closePath();
                    shape = t;
                }
                g.setColor(shapeColor);
                g.fill(shape);
                g.setColor(shapeColor.darker().darker());
                g.setStroke(new BasicStroke(Math.max(1f, size / 200f)));
                g.draw(shape);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The PNG bytes of a draw. */
    public byte[] png(ImageDraw draw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size * size);
        try {
            if (!ImageIO.write(render(draw), "png", out)) throw new IllegalStateException("no PNG writer in this JVM");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
