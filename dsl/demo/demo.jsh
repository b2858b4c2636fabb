// Wengert demo: ./wengert demo
// Walks through the DSL end to end and prints what it computes.

System.out.println("== 1. Reverse mode: parameters on the implicit tape, one backward sweep");
var x = param("x", 1.5);
var y = param("y", -0.5);
// z = x·y + sin x
Num z = x.times(y).plus(sin(x));
z.backward();
System.out.println("z = " + z + ";  ∂z/∂x = y + cos x: " + x.grad() + ";  ∂z/∂y = x: " + y.grad());
System.out.println(tape());

System.out.println("== 2. The chain rule sums every path: z(x(u,v), y(u,v))");
resetTape();
var u = param("u", 0.8);
var v = param("v", -1.3);
Num px = u.times(v);              // x = u·v
Num py = u.plus(v.square());      // y = u + v²
Num pz = px.times(py).plus(sin(px));  // z = x·y + sin x
System.out.println("∂z/∂v = ∂x/∂v·∂z/∂x + ∂y/∂v·∂z/∂y = " + pz.d(v) + "   ∂z/∂u = " + pz.d(u));

System.out.println("== 3. Ordinary Java: if, while, recursion — the derivative of the path taken");
Num clipped(Num t) { return t.gt(0) ? t.square() : t.times(-3); }
Num power(Num t, int n) { return n == 0 ? constant(1) : t.times(power(t, n - 1)); }
var w = param("w", 1.1);
Num r = w;
while (r.lt(100)) r = r.times(r);      // squares until it passes 100
System.out.println("clipped'(1.1) = " + clipped(w).d(w) + ",  (w^7)' = " + power(w, 7).d(w)
        + ",  loop result " + r.value() + " with derivative " + r.d(w));

System.out.println("== 4. The same code in forward mode: dual numbers, derivatives known eagerly");
mode(Mode.FORWARD);
var a = param("a", 1.5);
var b = param("b", -0.5);
Num c = a.times(b).plus(sin(a));
System.out.println(c + "   (no backward needed: c.d(a) = " + c.d(a) + ")");
mode(Mode.REVERSE);

System.out.println("== 5. The functional API: gradients, Jacobians, JVP and VJP on private tapes");
// Rosenbrock: f(x) = (1 − x₀)² + 100 (x₁ − x₀²)²
Fn rosenbrock = p -> square(p[0].neg().plus(1)).plus(square(p[1].minus(square(p[0]))).times(100));
System.out.println("∇f(−1.2, 1) reverse  = " + Arrays.toString(gradient(rosenbrock, -1.2, 1.0)));
System.out.println("∇f(−1.2, 1) forward  = " + Arrays.toString(gradient(Mode.FORWARD, rosenbrock, -1.2, 1.0)));
VecFn polar = p -> new Num[] {p[0].times(cos(p[1])), p[0].times(sin(p[1]))};
System.out.println("J polar(2, 0.5)      = " + Arrays.deepToString(jacobian(polar, 2.0, 0.5)));
System.out.println("J·[1, 0]             = " + Arrays.toString(jvp(polar, new double[] {2, 0.5}, new double[] {1, 0})));
System.out.println("[1, 0]·J             = " + Arrays.toString(vjp(polar, new double[] {2, 0.5}, new double[] {1, 0})));
System.out.println("d/dt t·sin t at 1    = " + derivative(t -> t.times(sin(t)), 1.0));

System.out.println("== 6. Higher order: Hessians, HVPs, Taylor towers, nesting without perturbation confusion");
System.out.println("H rosenbrock(−1.2, 1)   = " + Arrays.deepToString(hessian(rosenbrock, -1.2, 1.0)));
System.out.println("H·[1, 0]                = " + Arrays.toString(hvp(rosenbrock, new double[] {-1.2, 1}, new double[] {1, 0})));
System.out.println("(sin·exp)^(0..6) at 0.5 = " + Arrays.toString(derivatives(t -> sin(t).times(exp(t)), 0.5, 6)));
// d/dx [ x · (d/dy (x + y))(y = 1) ] at x = 1
System.out.println("d/dx [x · d/dy (x + y)] = " + derivative(q -> q.times(derivative(y -> q.plus(y), constant(1))), 1.0) + "  (1, not 2)");

System.out.println("== 7. Custom rules and stopGradient");
UnaryFn cube = rule("cube", q -> q * q * q, q -> 3 * q * q);
System.out.println("cube'(2) = " + derivative(cube, 2.0));
var s = param("s", 3.0);
System.out.println("d/ds [s · stopGradient(s)] = " + s.times(stopGradient(s)).d(s));

System.out.println("== 8. Checking the gradient: forward, reverse and finite differences");
System.out.println(gradCheck(rosenbrock, -1.2, 1.0));

System.out.println("== 9. Clear errors instead of wrong numbers");
try { constant(2).times(3).backward(); } catch (RuntimeException e) { System.out.println("  " + e.getMessage()); }
var old = param("old", 1.0);
resetTape();
try { old.times(2); } catch (RuntimeException e) { System.out.println("  " + e.getMessage()); }

System.out.println("== 10. Tensors and compiled tapes: one tape node per array operation, replay with guards");
resetTape();
Tensor X = tensor(new double[] {1, 0.5, 2, -1, 0, 1.5, 3, 2}, 4, 2);
var w = param("w", new double[] {0.1, 0.2});
Num mse = X.matmul(w).minus(tensor(new double[] {1.2, 0.3, 1.1, 4.0})).square().mean();   // J = mean (Xw − y)²
mse.backward();
System.out.println("J = " + mse.value() + ", ∇w = " + Arrays.toString(w.grad()) + " (" + tape().operations() + " operations)");
CompiledFn cf = compile(rosenbrock, -1.2, 1.0);
System.out.println("compiled ∇f(0.5, 0.5) = " + Arrays.toString(cf.gradient(0.5, 0.5)) + ", " + cf);

System.out.println("== 11. Optimizers: L-BFGS and momentum on Rosenbrock");
var quasiNewton = minimize(rosenbrock, -1.2, 1.0);
var heavyBall = minimize(rosenbrock, new double[] {-1.2, 1.0}, momentum(0.001, 0.9).progress(false));
System.out.println(quasiNewton);
System.out.println(heavyBall);

System.out.println("== 12. Fitting a table: y = a·exp(−k·t)");
Table decay = Table.create("decay",
    DoubleColumn.create("t", 0, 1, 2, 3, 4, 5, 6, 7),
    DoubleColumn.create("y", 10.2, 6.1, 3.6, 2.3, 1.3, 0.85, 0.52, 0.29));
var fitted = fit1((p, t) -> p[0].times(exp(p[1].times(-t)))).start(8, 0.3).names("a", "k").to(decay, "y", "t");
System.out.println(fitted);

System.out.println("== 13. Pictures: the cost surface with the descent paths, the loss curve, the fit");
String dir = System.getProperty("java.io.tmpdir");
contour(rosenbrock, -2, 2, -1, 3).path(quasiNewton, heavyBall).labels("x0", "x1").title("Rosenbrock and two descents").save(dir + "/wengert-demo-cost.png");
lossCurve(quasiNewton, heavyBall).logScale().save(dir + "/wengert-demo-loss.svg");
fitPlot(fitted).save(dir + "/wengert-demo-fit.svg");
System.out.println("saved " + dir + "/wengert-demo-cost.png, wengert-demo-loss.svg, wengert-demo-fit.svg");
