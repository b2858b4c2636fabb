// The same cells, run in the notebook kernel (one cell each), typed into ./wengert (pasted,
// one input each) and run as a script (this file): FrontEndsIT compares what the three print.
// ---- cell
let answer = 6 * 7;
System.out.println("answer " + answer);
// ---- cell
%jars lib/*.jar
let greeting = greet.Hello.hi();
System.out.println("greeting " + greeting);
// ---- cell
let shout = "wengert"
    .toUpperCase();
System.out.println("shout " + shout);
// ---- cell
let x = param("x", 2.0);
Num y = x.times(x).plus(sin(x));   // y = x² + sin x
y.backward();
System.out.println("grad " + x.grad());
// ---- cell
int twice(int v) { return 2 * v; }
System.out.println("twice " + twice(21));
// ---- cell
Fn rosenbrock = p -> square(p[0].neg().plus(1)).plus(square(p[1].minus(square(p[0]))).times(100));
let best = minimize(rosenbrock, -1.2, 1.0);
System.out.println("converged " + best.converged());
best
// ---- cell
%maven com.example:greet:1.0
System.out.println("maven " + greet.Greeter.greet("cells"));
// ---- cell
let bad = nope + 1;
System.out.println("never");
