package dev.nabla.cli;

import dev.nabla.data.IdxFile;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A SYNTHETIC stand-in for MNIST in MNIST's own file format: hand-drawn-looking digits 0-9 made of
 * pen strokes (no fonts needed) with random jitter of every control point, stroke width, rotation,
 * shear, scale and shift, plus pixel noise, rendered with Java2D anti-aliasing into 28x28 grey
 * images of a ~20x20 box, like MNIST. The real MNIST cannot be downloaded on the machines Nabla is
 * built on; this exercises the same loader and the same network shapes, and is clearly not MNIST.
 */
final class SyntheticDigits {
    static final int SIZE = 28;

    private SyntheticDigits() {
    }

    /** Images [n, 28, 28] and labels [n], deterministic in {@code seed}. */
    static IdxFile[] generate(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[Math.multiplyExact(n, SIZE * SIZE)];
        byte[] labels = new byte[n];
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < n; i++) {
            int digit = random.nextInt(10);
            labels[i] = (byte) digit;
            draw(image, digit, random);
            for (int p = 0; p < SIZE * SIZE; p++) {
                double v = (raster[p] & 0xff) + noise(random);
                pixels[i * SIZE * SIZE + p] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
        return new IdxFile[] {IdxFile.of(new int[] {n, SIZE, SIZE}, pixels), IdxFile.of(new int[] {n}, labels)};
    }

    /** Writes train (60,000 by default) and test sets under MNIST's file names, gzip-compressed. */
    static void write(Path dir, int train, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        IdxFile[] tr = generate(train, seed);
        tr[0].write(dir.resolve("train-images-idx3-ubyte.gz"), true);
        tr[1].write(dir.resolve("train-labels-idx1-ubyte.gz"), true);
        IdxFile[] te = generate(test, seed + 1);
        te[0].write(dir.resolve("t10k-images-idx3-ubyte.gz"), true);
        te[1].write(dir.resolve("t10k-labels-idx1-ubyte.gz"), true);
    }

    /** Sparse salt noise: a few stray pixels per image. */
    private static double noise(SplittableRandom random) {
        return random.nextInt(100) < 2 ? 40 + random.nextInt(160) : 0;
    }

    private static void draw(BufferedImage image, int digit, SplittableRandom r) {
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, SIZE, SIZE);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            AffineTransform t = new AffineTransform();
            t.translate(SIZE / 2.0 + uniform(r, 2), SIZE / 2.0 + uniform(r, 2));
            t.rotate(Math.toRadians(uniform(r, 14)));
            t.shear(uniform(r, 0.25), 0);
            t.scale(0.8 + 0.25 * r.nextDouble(), 0.85 + 0.2 * r.nextDouble());
            t.translate(-10, -10); // the strokes live in a 20x20 box, as MNIST's digits do
            g.transform(t);
            g.setStroke(new BasicStroke((float) (1.6 + 1.6 * r.nextDouble()), BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND));
            g.setColor(Color.WHITE);
            g.draw(strokes(digit, r));
        } finally {
            g.dispose();
        }
    }

    private static double uniform(SplittableRandom r, double half) {
        return (2 * r.nextDouble() - 1) * half;
    }

    /** The pen strokes of {@code digit} in a 20x20 box, every point jittered. */
    private static Path2D strokes(int digit, SplittableRandom r) {
        Pen p = new Pen(r, 1.0);
        switch (digit) {
            case 0:
                p.ellipse(10, 10, 5.5, 9);
                break;
            case 1:
                if (r.nextBoolean()) {
                    p.move(7, 4).line(10, 1);
                } else {
                    p.move(10, 1);
                }
                p.line(10, 19);
                break;
            case 2:
                p.move(4, 6).curve(4, 0, 16, 0, 15, 7).line(4, 19).line(16, 19);
                break;
            case 3:
                p.move(4, 3).curve(10, -1, 17, 3, 10, 9).curve(18, 10, 16, 21, 4, 17);
                break;
            case 4:
                p.move(12, 1).line(3, 13).line(17, 13);
                p.move(13, 6).line(13, 19);
                break;
            case 5:
                p.move(15, 1).line(5, 1).line(4, 9).curve(12, 5, 18, 11, 14, 17).curve(11, 20, 6, 19, 4, 17);
                break;
            case 6:
                p.move(14, 1).curve(6, 4, 3, 12, 5, 16).curve(7, 21, 15, 20, 15, 14).curve(15, 9, 7, 9, 5, 14);
                break;
            case 7:
                p.move(3, 2).line(16, 2).line(8, 19);
                break;
            case 8:
                p.ellipse(10, 5.5, 4.5, 4.5);
                p.ellipse(10, 14.5, 5.5, 5);
                break;
            default:
                p.ellipse(10, 6, 5, 5);
                p.move(15, 6).curve(15, 12, 14, 15, 13, 19);
                break;
        }
        return p.path;
    }

    /** Builds a path whose every point is moved by Gaussian jitter. */
    private static final class Pen {
        final Path2D.Double path = new Path2D.Double();
        final SplittableRandom r;
        final double jitter;

        Pen(SplittableRandom r, double jitter) {
            this.r = r;
            this.jitter = jitter;
        }

        double j(double v) {
            return v + r.nextGaussian() * jitter;
        }

        Pen move(double x, double y) {
            path.moveTo(j(x), j(y));
            return this;
        }

        Pen line(double x, double y) {
            path.lineTo(j(x), j(y));
            return this;
        }

        Pen curve(double x1, double y1, double x2, double y2, double x, double y) {
            path.curveTo(j(x1), j(y1), j(x2), j(y2), j(x), j(y));
            return this;
        }

        /** A closed ellipse of four cubic arcs (0.5523 is the circle's control-point factor). */
        Pen ellipse(double cx, double cy, double rx, double ry) {
            double k = 0.5523;
            double sx = j(cx);
            double sy = j(cy - ry);
            path.moveTo(sx, sy);
            curve(cx + k * rx, cy - ry, cx + rx, cy - k * ry, cx + rx, cy);
            curve(cx + rx, cy + k * ry, cx + k * rx, cy + ry, cx, cy + ry);
            curve(cx - k * rx, cy + ry, cx - rx, cy + k * ry, cx - rx, cy);
            path.curveTo(j(cx - rx), j(cy - k * ry), j(cx - k * rx), j(cy - ry), sx, sy);
            return this;
        }
    }
}
