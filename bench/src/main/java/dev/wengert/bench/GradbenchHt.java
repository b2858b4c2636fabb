package dev.wengert.bench;

import dev.wengert.compile.CompiledVecFn;
import dev.wengert.core.Num;
import dev.wengert.core.VecFn;
import dev.wengert.tensor.Tensor;

import static dev.wengert.Wengert.*;

/**
 * gradbench's ht (hand tracking, from ADBench), on a synthetic hand of ADBench's size: 22
 * bones in a wrist, a palm and five fingers of four bones, 544 vertices skinned to them, 100
 * observed points with their corresponding vertices. The 26 pose parameters (global rotation
 * and translation, two angles at each finger's base and one at each further joint) pose the
 * bones (Euler rotations), the skeleton chains them (4×4 transforms), the skin blends them per
 * vertex, a global rotation (angle–axis) and translation place the hand; the error is each
 * point minus its vertex, and gradbench asks for its Jacobian (300 × 26). ADBench's model
 * files are not available here, so the model is drawn from {@link GradbenchData} (the PyTorch
 * side draws the same).
 */
final class GradbenchHt {
    static final int BONES = 22;
    static final int V = 544;
    static final int POINTS = 100;
    static final int THETA = 26;

    final boolean tensors;
    final int[] parents = new int[BONES];
    final double[][][] baseRelatives = new double[BONES][][];
    final double[][][] inverseBaseAbsolutes = new double[BONES][][];
    final double[] basePositions = new double[V * 4];
    final double[] weights = new double[V * BONES];
    final double[] points = new double[POINTS * 3];
    final int[] correspondences = new int[POINTS];
    final double[] theta = new double[THETA];
    final Tensor basePositionsT;
    final Tensor[] boneWeights = new Tensor[BONES];
    final Tensor pointsT;
    final int[] gatherIndex = new int[POINTS * 3];
    final CompiledVecFn c;

    GradbenchHt(boolean tensors) {
        this.tensors = tensors;
        GradbenchData r = new GradbenchData(12);
        for (int i = 0; i < 3; i++) {
            theta[i] = 0.1 * (2 * r.next() - 1);
        }
        for (int i = 3; i < 6; i++) {
            theta[i] = r.next();
        }
        for (int i = 6; i < THETA; i++) {
            theta[i] = 0.3 * r.next();
        }
        parents[0] = -1;
        parents[1] = 0;
        for (int f = 0; f < 5; f++) {
            for (int k = 0; k < 4; k++) {
                int b = 2 + 4 * f + k;
                parents[b] = k == 0 ? 1 : b - 1;
            }
        }
        for (int b = 0; b < BONES; b++) {
            double angle = 0.2 * (2 * r.next() - 1);
            double tx = 0.5 * r.next();
            double ty = 0.5 * r.next();
            double tz = 0.5 * r.next();
            double co = Math.cos(angle);
            double si = Math.sin(angle);
            baseRelatives[b] = new double[][] {{co, -si, 0, tx}, {si, co, 0, ty}, {0, 0, 1, tz}, {0, 0, 0, 1}};
        }
        for (int b = 0; b < BONES; b++) {
            double ax = r.next();
            double ay = r.next();
            double az = r.next();
            inverseBaseAbsolutes[b] = new double[][] {{1, 0, 0, -ax}, {0, 1, 0, -ay}, {0, 0, 1, -az}, {0, 0, 0, 1}};
        }
        for (int v = 0; v < V; v++) {
            basePositions[4 * v] = r.next();
            basePositions[4 * v + 1] = r.next();
            basePositions[4 * v + 2] = r.next();
            basePositions[4 * v + 3] = 1;
        }
        for (int v = 0; v < V; v++) {
            int b1 = (int) Math.floor(BONES * r.next());
            int b2 = (int) Math.floor(BONES * r.next());
            double w = r.next();
            weights[v * BONES + b1] += w;
            weights[v * BONES + b2] += 1 - w;
        }
        for (int i = 0; i < POINTS * 3; i++) {
            points[i] = r.next();
        }
        for (int i = 0; i < POINTS; i++) {
            correspondences[i] = (int) Math.floor(V * r.next());
        }
        basePositionsT = tensor(basePositions, V, 4).transpose();   // 4 × V
        for (int b = 0; b < BONES; b++) {
            double[] w = new double[V];
            for (int v = 0; v < V; v++) {
                w[v] = weights[v * BONES + b];
            }
            boneWeights[b] = tensor(w);
        }
        pointsT = tensor(points, POINTS, 3);
        for (int i = 0; i < POINTS; i++) {
            for (int k = 0; k < 3; k++) {
                gatherIndex[i * 3 + k] = k * V + correspondences[i];   // row k, column of the vertex
            }
        }
        VecFn f = tensors ? this::errTensor : this::errScalar;
        c = compileVec(f, theta);
    }

    // ---- the pose ---------------------------------------------------------------------------------

    /** ADBench's to_pose_params: (bones + 3) rows of 3 angles: global rotation, scale 1, translation, then per bone. */
    static Num[][] poseParams(Num[] theta) {
        Num[][] pose = new Num[BONES + 3][3];
        for (Num[] row : pose) {
            java.util.Arrays.fill(row, constant(0));
        }
        pose[0] = new Num[] {theta[0], theta[1], theta[2]};
        pose[1] = new Num[] {constant(1), constant(1), constant(1)};
        pose[2] = new Num[] {theta[3], theta[4], theta[5]};
        int it = 6;
        int ip = 5;
        for (int finger = 0; finger < 5; finger++) {
            for (int i = 1; i <= 3; i++) {
                pose[ip][0] = theta[it++];
                if (i == 1) {
                    pose[ip][1] = theta[it++];
                }
                ip++;
            }
            ip++;
        }
        return pose;
    }

    /** R = Rz·Ry·Rx for angles (x, z, y), as ADBench orders them. */
    static Num[][] euler(Num[] xzy) {
        Num tx = xzy[0];
        Num ty = xzy[2];
        Num tz = xzy[1];
        Num z = constant(0);
        Num one = constant(1);
        Num[][] rx = {{one, z, z}, {z, tx.cos(), tx.sin().neg()}, {z, tx.sin(), tx.cos()}};
        Num[][] ry = {{ty.cos(), z, ty.sin().neg()}, {z, one, z}, {ty.sin(), z, ty.cos()}};
        Num[][] rz = {{tz.cos(), tz.sin().neg(), z}, {tz.sin(), tz.cos(), z}, {z, z, one}};
        return matmul(matmul(rz, ry), rx);
    }

    /** The rotation of an angle–axis vector (the identity below a norm of 10⁻⁴). */
    static Num[][] angleAxis(Num[] aa) {
        Num n = dot(aa, aa).sqrt();
        if (n.lt(1e-4)) {
            return identity(3);
        }
        Num x = aa[0].div(n);
        Num y = aa[1].div(n);
        Num z = aa[2].div(n);
        Num s = n.sin();
        Num c = n.cos();
        Num omc = minus(1, c);
        return new Num[][] {
            {x.times(x).plus(minus(1, x.times(x)).times(c)), x.times(y).times(omc).minus(z.times(s)),
                x.times(z).times(omc).plus(y.times(s))},
            {x.times(y).times(omc).plus(z.times(s)), y.times(y).plus(minus(1, y.times(y)).times(c)),
                y.times(z).times(omc).minus(x.times(s))},
            {x.times(z).times(omc).minus(y.times(s)), z.times(y).times(omc).plus(x.times(s)),
                z.times(z).plus(minus(1, z.times(z)).times(c))}
        };
    }

    /** A 4×4 transform with rotation r and no translation. */
    static Num[][] homogeneous(Num[][] r) {
        Num z = constant(0);
        return new Num[][] {{r[0][0], r[0][1], r[0][2], z}, {r[1][0], r[1][1], r[1][2], z},
            {r[2][0], r[2][1], r[2][2], z}, {z, z, z, constant(1)}};
    }

    /** Each bone's transform from its bind pose to the posed hand: absolutes · inverse base absolutes. */
    Num[][][] transforms(Num[][] pose) {
        Num[][][] absolutes = new Num[BONES][][];
        Num[][][] t = new Num[BONES][][];
        for (int b = 0; b < BONES; b++) {
            Num[][] rel = matmul(constant(baseRelatives[b]), homogeneous(euler(pose[3 + b])));
            absolutes[b] = parents[b] < 0 ? rel : matmul(absolutes[parents[b]], rel);
            t[b] = matmul(absolutes[b], constant(inverseBaseAbsolutes[b]));
        }
        return t;
    }

    /** The errors, 3 per point, with scalar code over Num[][]. */
    Num[] errScalar(Num[] th) {
        Num[][] pose = poseParams(th);
        Num[][][] t = transforms(pose);
        Num[][] r = angleAxis(pose[0]);
        Num[] err = new Num[POINTS * 3];
        // only the vertices that points correspond to are skinned: a user computes what is used
        for (int i = 0; i < POINTS; i++) {
            int v = correspondences[i];
            Num[] pos = {constant(0), constant(0), constant(0)};
            for (int b = 0; b < BONES; b++) {
                double w = weights[v * BONES + b];
                if (w == 0) {
                    continue;
                }
                for (int k = 0; k < 3; k++) {
                    Num e = t[b][k][0].times(basePositions[4 * v]);
                    for (int j = 1; j < 4; j++) {
                        e = e.plus(t[b][k][j].times(basePositions[4 * v + j]));
                    }
                    pos[k] = pos[k].plus(e.times(w));
                }
            }
            for (int k = 0; k < 3; k++) {
                // R scaled column by column (pose row 1), then translated (pose row 2)
                Num g = r[k][0].times(pose[1][0]).times(pos[0]).plus(r[k][1].times(pose[1][1]).times(pos[1]))
                        .plus(r[k][2].times(pose[1][2]).times(pos[2]));
                err[3 * i + k] = minus(points[3 * i + k], g.plus(pose[2][k]));
            }
        }
        return err;
    }

    /** The same with tensors: every vertex skinned as 4 × V matrices, the points' vertices gathered. */
    Num[] errTensor(Num[] th) {
        Num[][] pose = poseParams(th);
        Num[][][] t = transforms(pose);
        Tensor positions = null;
        for (int b = 0; b < BONES; b++) {
            Tensor tb = tensor(flat(t[b])).reshape(4, 4);
            Tensor moved = tb.matmul(basePositionsT).times(boneWeights[b]);   // 4 × V, each column weighted
            positions = positions == null ? moved : positions.plus(moved);
        }
        Num[][] r = angleAxis(pose[0]);
        Tensor rt = tensor(flat(r)).reshape(3, 3).times(tensor(pose[1]));
        Tensor placed = rt.matmul(positions.slice(0, 3)).plus(tensor(pose[2]).reshape(3, 1));   // 3 × V
        Tensor err = pointsT.minus(placed.gather(gatherIndex, POINTS, 3));
        return err.toNums();
    }

    static Num[] flat(Num[][] m) {
        Num[] f = new Num[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
        }
        return f;
    }

    Object objective() {
        return c.value(theta);
    }

    Object jacobian() {
        return c.jacobian(theta);
    }

    double check() {
        double[][] got = c.jacobian(theta);
        VecFn other = tensors ? this::errScalar : this::errTensor;
        double[][] want = dev.wengert.Wengert.jacobian(other, theta);
        for (int i = 0; i < want.length; i++) {
            Gradbench.agree((tensors ? "ht.tensor" : "ht.scalar") + " row " + i, want[i], got[i], 1e-12);
        }
        return c.value(theta)[0];
    }
}
