package dev.wengert.fit;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.wengert.Wengert.*;

/**
 * The NIST StRD nonlinear models as DSL code, keyed by dataset name, written as the files
 * state them. Nelson's response is log(y) (see {@link #response}).
 */
final class NistModels {
    private NistModels() {
    }

    private static final double TWO_PI = 2 * Math.PI;

    static final Map<String, Model> MODELS = new LinkedHashMap<>();

    static {
            // y = exp(−b1·x) / (b2 + b3·x)
            MODELS.put("Chwirut2", (p, x) -> exp(p[0].times(-x[0])).div(p[1].plus(p[2].times(x[0]))));
            // y = b1·x^b2
            MODELS.put("DanWood", (p, x) -> p[0].times(exp(p[1].times(Math.log(x[0])))));
            // y = b1 + b2·cos(2πx/12) + b3·sin(2πx/12) + b5·cos(2πx/b4) + b6·sin(2πx/b4) + b8·cos(2πx/b7) + b9·sin(2πx/b7)
            MODELS.put("ENSO", (p, x) -> {
                double a = TWO_PI * x[0] / 12;
                var w4 = constant(TWO_PI * x[0]).div(p[3]);
                var w7 = constant(TWO_PI * x[0]).div(p[6]);
                return p[0].plus(p[1].times(Math.cos(a))).plus(p[2].times(Math.sin(a)))
                        .plus(p[4].times(cos(w4))).plus(p[5].times(sin(w4)))
                        .plus(p[7].times(cos(w7))).plus(p[8].times(sin(w7)));
            });
            // y = b1·exp(−b2·x) + b3·exp(−(x − b4)²/b5²) + b6·exp(−(x − b7)²/b8²)
            MODELS.put("Gauss1", (p, x) -> p[0].times(exp(p[1].times(-x[0])))
                    .plus(p[2].times(exp(square(p[3].neg().plus(x[0])).div(square(p[4])).neg())))
                    .plus(p[5].times(exp(square(p[6].neg().plus(x[0])).div(square(p[7])).neg()))));
            // y = (b1 + b2·x + b3·x²) / (1 + b4·x + b5·x²)
            MODELS.put("Kirby2", (p, x) -> {
                double t = x[0];
                return p[0].plus(p[1].times(t)).plus(p[2].times(t * t))
                        .div(p[3].times(t).plus(p[4].times(t * t)).plus(1));
            });
            // y = b1·exp(−b2·x) + b3·exp(−b4·x) + b5·exp(−b6·x)
            MODELS.put("Lanczos1", NistModels::lanczos);
            MODELS.put("Lanczos3", NistModels::lanczos);
            // y = b1·(x² + x·b2) / (x² + x·b3 + b4)
            MODELS.put("MGH09", (p, x) -> {
                double t = x[0];
                return p[0].times(p[1].times(t).plus(t * t)).div(p[2].times(t).plus(p[3]).plus(t * t));
            });
            // y = b1 + b2·exp(−x·b4) + b3·exp(−x·b5)
            MODELS.put("MGH17", (p, x) -> p[0].plus(p[1].times(exp(p[3].times(-x[0]))))
                    .plus(p[2].times(exp(p[4].times(-x[0])))));
            // y = b1·(1 − exp(−b2·x))
            MODELS.put("Misra1a", (p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1)));
            // y = b1·(1 − (1 + 2·b2·x)^(−1/2))
            MODELS.put("Misra1c", (p, x) -> p[0].times(pow(p[1].times(2 * x[0]).plus(1), -0.5).neg().plus(1)));
            // log y = b1 − b2·x1·exp(−b3·x2)
            MODELS.put("Nelson", (p, x) -> p[0].minus(p[1].times(x[0]).times(exp(p[2].times(-x[1])))));
            // y = b1 / (1 + exp(b2 − b3·x))
            MODELS.put("Rat42", (p, x) -> p[0].div(exp(p[1].minus(p[2].times(x[0]))).plus(1)));
            // y = (b1 + b2·x + b3·x² + b4·x³) / (1 + b5·x + b6·x² + b7·x³)
            MODELS.put("Thurber", (p, x) -> {
                double t = x[0];
                return p[0].plus(p[1].times(t)).plus(p[2].times(t * t)).plus(p[3].times(t * t * t))
                        .div(p[4].times(t).plus(p[5].times(t * t)).plus(p[6].times(t * t * t)).plus(1));
            });
    }

    private static dev.wengert.core.Num lanczos(dev.wengert.core.Num[] p, double[] x) {
        return p[0].times(exp(p[1].times(-x[0])))
                .plus(p[2].times(exp(p[3].times(-x[0]))))
                .plus(p[4].times(exp(p[5].times(-x[0]))));
    }

    static Model model(String name) {
        Model m = MODELS.get(name);
        if (m == null) {
            throw new IllegalStateException("no DSL model for NIST problem " + name + "; add it to NistModels.MODELS");
        }
        return m;
    }

    /** The response the certified values fit: Nelson's is log(y), the others y itself. */
    static double[] response(NistFile f) {
        if (!f.name().equals("Nelson")) {
            return f.y();
        }
        double[] r = new double[f.y().length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.log(f.y()[i]);
        }
        return r;
    }
}
