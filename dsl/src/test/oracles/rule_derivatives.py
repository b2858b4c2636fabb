#!/usr/bin/env python3
"""Reference values, first and second derivatives of every derivative rule, at 50 digits.

The oracle of SecondDerivativeOracleTest (dsl/src/test/java/dev/wengert/rules). For each rule
and each point (doubles, converted exactly) it writes the value f, the gradient and the
Hessian, computed with mpmath at 50 significant digits from the closed-form derivatives below,
and checks each closed form against mpmath's own numerical differentiation (mpmath.diff) at the
same precision, so a slip in a formula here stops the script instead of entering the table.

Run from the repository root with Debian's mpmath (python3-mpmath):

    /usr/bin/python3 dsl/src/test/oracles/rule_derivatives.py \
        > dsl/src/test/resources/dev/wengert/rules/rule-derivatives.csv

Output: one line per (rule, point): rule;arguments;value;gradient;hessian;tolerance (lists
separated by spaces, the Hessian row by row, 25 significant digits). The tolerance is blank
except on the few rows next to a line where any AD loses digits to cancellation (the reason
is stated at each); the test applies its own relative tolerance to the rest. "NaN" marks a derivative with no real
value (∂/∂b of aᵇ for a < 0: no real neighbourhood in b), which the library must give as NaN.
Kinks and ties (abs and relu at 0, max and min at a tie), where the library uses a convention
rather than a derivative, are not here: EdgeCasesTest checks those conventions.
"""
import sys

import mpmath
from mpmath import mp, mpf

mp.dps = 50
DIGITS = 25


def nan():
    return None


def real_cbrt(x):
    return mpmath.cbrt(x) if x >= 0 else -mpmath.cbrt(-x)


# name -> (f, f', f'') as functions of an mpf; each must be exact at mp.dps
UNARY = {
    "neg": (lambda x: -x, lambda x: mpf(-1), lambda x: mpf(0)),
    "square": (lambda x: x * x, lambda x: 2 * x, lambda x: mpf(2)),
    "reciprocal": (lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3),
    "exp": (mpmath.exp, mpmath.exp, mpmath.exp),
    "expm1": (mpmath.expm1, mpmath.exp, mpmath.exp),
    "log": (mpmath.log, lambda x: 1 / x, lambda x: -1 / x**2),
    "log1p": (mpmath.log1p, lambda x: 1 / (1 + x), lambda x: -1 / (1 + x)**2),
    "log10": (lambda x: mpmath.log(x, 10), lambda x: 1 / (x * mpmath.log(10)),
              lambda x: -1 / (x**2 * mpmath.log(10))),
    "log2": (lambda x: mpmath.log(x, 2), lambda x: 1 / (x * mpmath.log(2)),
             lambda x: -1 / (x**2 * mpmath.log(2))),
    "sqrt": (mpmath.sqrt, lambda x: 1 / (2 * mpmath.sqrt(x)), lambda x: -1 / (4 * x * mpmath.sqrt(x))),
    "cbrt": (real_cbrt, lambda x: 1 / (3 * real_cbrt(x)**2), lambda x: -2 / (9 * x * real_cbrt(x)**2)),
    "sin": (mpmath.sin, mpmath.cos, lambda x: -mpmath.sin(x)),
    "cos": (mpmath.cos, lambda x: -mpmath.sin(x), lambda x: -mpmath.cos(x)),
    "tan": (mpmath.tan, lambda x: mpmath.sec(x)**2, lambda x: 2 * mpmath.sec(x)**2 * mpmath.tan(x)),
    "asin": (mpmath.asin, lambda x: 1 / mpmath.sqrt(1 - x**2), lambda x: x / (1 - x**2)**mpf(1.5)),
    "acos": (mpmath.acos, lambda x: -1 / mpmath.sqrt(1 - x**2), lambda x: -x / (1 - x**2)**mpf(1.5)),
    "atan": (mpmath.atan, lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2)**2),
    "sinh": (mpmath.sinh, mpmath.cosh, mpmath.sinh),
    "cosh": (mpmath.cosh, mpmath.sinh, mpmath.cosh),
    "tanh": (mpmath.tanh, lambda x: mpmath.sech(x)**2, lambda x: -2 * mpmath.sech(x)**2 * mpmath.tanh(x)),
    "asinh": (mpmath.asinh, lambda x: 1 / mpmath.sqrt(x**2 + 1), lambda x: -x / (x**2 + 1)**mpf(1.5)),
    "acosh": (mpmath.acosh, lambda x: 1 / mpmath.sqrt(x**2 - 1), lambda x: -x / (x**2 - 1)**mpf(1.5)),
    "atanh": (mpmath.atanh, lambda x: 1 / (1 - x**2), lambda x: 2 * x / (1 - x**2)**2),
    "erf": (mpmath.erf, lambda x: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x**2),
            lambda x: -4 * x / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x**2)),
    "erfc": (mpmath.erfc, lambda x: -2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x**2),
             lambda x: 4 * x / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x**2)),
    # log|Γ(x)|: its derivatives are ψ and ψ′ on both sides of the poles
    "lgamma": (lambda x: mpmath.log(abs(mpmath.gamma(x))), lambda x: mpmath.psi(0, x), lambda x: mpmath.psi(1, x)),
    "digamma": (lambda x: mpmath.psi(0, x), lambda x: mpmath.psi(1, x), lambda x: mpmath.psi(2, x)),
    "trigamma": (lambda x: mpmath.psi(1, x), lambda x: mpmath.psi(2, x), lambda x: mpmath.psi(3, x)),
    "sigmoid": (lambda x: 1 / (1 + mpmath.exp(-x)),
                lambda x: mpmath.exp(-x) / (1 + mpmath.exp(-x))**2,
                lambda x: mpmath.exp(-x) * (mpmath.exp(-x) - 1) / (1 + mpmath.exp(-x))**3),
    "softplus": (lambda x: mpmath.log1p(mpmath.exp(x)), lambda x: 1 / (1 + mpmath.exp(-x)),
                 lambda x: mpmath.exp(-x) / (1 + mpmath.exp(-x))**2),
    "relu": (lambda x: x if x > 0 else mpf(0), lambda x: mpf(1) if x > 0 else mpf(0), lambda x: mpf(0)),
    "abs": (abs, lambda x: mpmath.sign(x), lambda x: mpf(0)),
}

# points inside each domain, with some close to its edges (poles, branch points, overflow of the
# derivative, underflow of the value) where a formula that cancels or overflows would show
POINTS = {
    "neg": [-3, 0, 2.5],
    "square": [-3, 0, 0.5, 7],
    "reciprocal": [-3, -0.2, 1e-5, 0.5, 7, 1e100],
    "exp": [-700, -20, -1, 0, 0.5, 3, 50, 700],
    "expm1": [-100, -40, -30, -1, -0.7, -0.69, -1e-8, 0, 1e-10, 2, 40],
    "log": [1e-300, 1e-8, 1e-3, 0.5, 1, 2.5, 1e4, 1e100],
    "log1p": [-0.999999, -0.9, -1e-7, 0, 0.3, 50, 1e10],
    "log10": [1e-8, 0.01, 1, 7, 1e5],
    "log2": [1e-300, 1e-8, 0.5, 1, 3, 8, 1e5],
    "sqrt": [1e-300, 1e-10, 1e-4, 0.25, 2, 1e6, 1e300],
    "cbrt": [-27, -0.1, -1e-9, 1e-9, 0.2, 8, 1e30],
    "sin": [-4, -1, 0, 0.5, 3, 100],
    "cos": [-4, -1, 0, 0.3, 1.5, 3, 100],
    "tan": [-1.5707, -1.4, -0.3, 0, 0.8, 1.2, 1.5707],
    "asin": [-0.999999, -0.99, -0.5, -1e-6, 0, 1e-6, 0.3, 0.49, 0.51, 0.9, 0.999999],
    "acos": [-0.999999, -0.99, -0.5, -1e-6, 0, 1e-6, 0.3, 0.49, 0.51, 0.9, 0.999999],
    "atan": [-1e3, -20, -1, 0, 0.4, 3, 1e8],
    "sinh": [-20, -5, -0.2, 0, 1e-6, 1, 4, 700],
    "cosh": [-20, -5, -0.2, 0, 0.1, 1, 4, 700],
    # tanh's value switches formulas at 1/16, 1/4 and 1, its partial at |tanh x| = 1/2
    # (x = 0.5493…): points on both sides of each, and beyond x = 19, where tanh rounds to ±1
    "tanh": [-30, -19, -5, -0.2, -1e-8, 0, 1e-8, 1e-3, 0.06, 0.07, 0.24, 0.26, 0.549, 0.55, 0.7, 0.99, 1.01, 4,
             19, 20],
    "asinh": [-1e5, -30, -0.5, 0, 1e-5, 2, 1e5, 1e9],
    "acosh": [1.000001, 1.01, 1.5, 3, 100, 1e6, 1e9],
    "atanh": [-0.999999, -0.99, -0.3, -1e-6, 0, 1e-6, 0.49, 0.51, 0.95, 0.999999],
    "erf": [-6, -3, -0.5, 0, 1e-8, 0.2, 1, 2.5, 6],
    "erfc": [-6, -3, -0.5, -1e-8, 0, 0.2, 1, 2.5, 6, 26],
    "lgamma": [-2.999, -2.5, -1.001, -0.3, 1e-6, 0.1, 1, 1.5, 2, 7.25, 40, 1e5],
    "digamma": [-2.5, -1.001, -0.3, 1e-3, 0.1, 1, 1.5, 7.25, 40, 1e5],
    "trigamma": [-2.5, -1.001, -0.3, 1e-3, 0.1, 1, 1.5, 7.25, 40, 1e5],
    "sigmoid": [-700, -40, -30, -2, -1e-8, 0, 1e-8, 1, 1.098, 1.1, 15, 40, 700],
    "softplus": [-700, -40, -30, -2, -1e-8, 0, 1e-8, 1, 15, 40, 100],
    "relu": [-2, -0.1, 0.1, 3],
    "abs": [-3, -1e-3, 2, 40],
}


def pi():
    return mpmath.pi


# name -> (f(a, b), [fa, fb], [[faa, fab], [fab, fbb]]) as closed forms; None: no real value
def pow_derivs(a, b):
    f = mpmath.power(a, b)
    fa = b * mpmath.power(a, b - 1)
    faa = b * (b - 1) * mpmath.power(a, b - 2)
    if a > 0:
        la = mpmath.log(a)
        fb = f * la
        fab = mpmath.power(a, b - 1) * (1 + b * la)
        fbb = f * la * la
    else:
        fb = fab = fbb = None
    return f, [fa, fb], [[faa, fab], [fab, fbb]]


def atan2_derivs(y, x):
    r2 = x * x + y * y
    return (mpmath.atan2(y, x), [x / r2, -y / r2],
            [[-2 * x * y / r2**2, (y * y - x * x) / r2**2], [(y * y - x * x) / r2**2, 2 * x * y / r2**2]])


def hypot_derivs(a, b):
    h = mpmath.sqrt(a * a + b * b)
    return h, [a / h, b / h], [[b * b / h**3, -a * b / h**3], [-a * b / h**3, a * a / h**3]]


def xlogy_derivs(x, y):
    # x·log y for y > 0 (the points below keep y positive; xlogy(0, ·) = 0 is a convention)
    ly = mpmath.log(y)
    return x * ly, [ly, x / y], [[mpf(0), 1 / y], [1 / y, -x / y**2]]


BINARY = {
    "add": lambda a, b: (a + b, [mpf(1), mpf(1)], [[mpf(0)] * 2, [mpf(0)] * 2]),
    "sub": lambda a, b: (a - b, [mpf(1), mpf(-1)], [[mpf(0)] * 2, [mpf(0)] * 2]),
    "mul": lambda a, b: (a * b, [b, a], [[mpf(0), mpf(1)], [mpf(1), mpf(0)]]),
    "div": lambda a, b: (a / b, [1 / b, -a / b**2], [[mpf(0), -1 / b**2], [-1 / b**2, 2 * a / b**3]]),
    "pow": pow_derivs,
    "atan2": atan2_derivs,
    "hypot": hypot_derivs,
    "max": lambda a, b: (max(a, b), [mpf(1 if a > b else 0), mpf(0 if a > b else 1)], [[mpf(0)] * 2, [mpf(0)] * 2]),
    "xlogy": xlogy_derivs,
    "min": lambda a, b: (min(a, b), [mpf(1 if a < b else 0), mpf(0 if a < b else 1)], [[mpf(0)] * 2, [mpf(0)] * 2]),
}

BINARY_POINTS = {
    "add": [(1.5, -0.5), (-3, 2), (0, 4), (1e10, 1e-10)],
    "sub": [(1.5, -0.5), (-3, 2), (0, 4), (1e10, 1e-10)],
    "mul": [(1.5, -0.5), (-3, 2), (0, 4), (1e10, 1e-10)],
    "div": [(1.5, -0.5), (3, 1e-5), (-2, 7), (0, 3), (1e-200, 1e100)],
    "pow": [(2, 3), (0.5, -1.5), (1e-3, 2.5), (10, 0.5), (1, 4.25), (3, 0), (0.999999, 1e3), (-2, 3), (-0.5, -2),
            # ∂²/∂a∂b = a^(b−1)·(1 + b·ln a), with 1 + b·ln a = −5e-7 here: differentiating y·ln a, any
            # AD adds b·a^(b−1)·ln a ≈ −0.37 and y/a ≈ 0.37, so 6 of the 16 digits go (measured 6.6e-10)
            ((0.999999, 1e6), 2e-9)],
    "atan2": [(1, 2), (-0.5, 0.3), (3, -4), (1e-8, 1), (2, -1e-8), (-1e5, -3)],
    "hypot": [(3, 4), (5, -0.5), (1e150, 2e150), (1e-150, -3e-150),
              # ∂²h/∂b² = a²/h³ comes out of 1/h − b²/h³ in any AD (the derivative of b/h): with
              # |a| ≪ |b| it loses log10(b²/a²) digits, 6.6 here (measured 1.2e-10)
              ((-1e-3, 2), 1e-9)],
    "max": [(1, 2), (3, -1), (-0.5, -0.25)],
    "min": [(1, 2), (3, -1), (-0.5, -0.25)],
    "xlogy": [(0.5, 2), (-3, 1e-5), (2, 1), (1e-10, 0.3), (4, 1e100), (0, 5)],
}


def softmax(x):
    m = max(x)
    e = [mpmath.exp(v - m) for v in x]
    s = mpmath.fsum(e)
    return [v / s for v in e]


NARY = {
    "sum": lambda x: (mpmath.fsum(x), [mpf(1)] * len(x), [[mpf(0)] * len(x) for _ in x]),
    "logsumexp": lambda x: (mpmath.log(mpmath.fsum(mpmath.exp(v) for v in x)), softmax(x),
                            [[p_i * ((1 if i == j else 0) - p_j) for j, p_j in enumerate(softmax(x))]
                             for i, p_i in enumerate(softmax(x))]),
}

NARY_POINTS = {
    "sum": [(1.5,), (1.5, -0.5, 3), (1e10, -1e10, 1e-10, 2)],
    "logsumexp": [(0.3,), (1, 2), (-1, 0.5, 2), (700, 710, 705), (1e-3, -2, 3, 0.5),
                  # ∂²/∂x₂² = p₂(1 − p₂) with p₂ = 0.99995: AD forms 1 − p₂ from the rounded p₂ and
                  # loses log10(1/(1 − p₂)) = 4.3 digits (measured 1.5e-12)
                  ((-800, -790), 1e-11)],
}


def fmt(v):
    if v is None:
        return "NaN"
    return mpmath.nstr(v, DIGITS, min_fixed=1, max_fixed=0, strip_zeros=False)


def size_of(x):
    xs = x if isinstance(x, tuple) else (x,)
    return min([abs(v) for v in xs if v != 0], default=mpf(1))


def check(name, x, closed, numeric, value, n):
    """A closed form must agree with mpmath's numerical derivative to 30 digits, relative to
    the derivative or, where it is far smaller, to the natural scale |f|/|x|ⁿ of an n-th
    derivative (a zero second derivative of a/b at a = 1e-200 is zero only to that scale)."""
    if closed is None:
        return
    scale = max(abs(closed), abs(value) / size_of(x)**n, mpf(10)**-300)
    if abs(closed - numeric) > mpf(10)**-30 * scale:
        sys.exit(f"{name} at {x}: closed form {closed} vs mpmath.diff {numeric}")


def nd(f, x, n):
    """mpmath's numerical derivative, with a step scaled to x so tiny points stay in the domain.

    (mpmath 1.2.1's own relative=True scales the step the wrong way: by 1/|x|.)"""
    return mpmath.diff(f, x, n, h=size_of(x) * mpmath.ldexp(1, -mp.prec - 10))


def split(point):
    """A point, or (point, tolerance) for a row that states its own (see the reasons above)."""
    if isinstance(point, tuple) and len(point) == 2 and isinstance(point[0], tuple):
        return point[0], point[1]
    return point, None


def unary_rows():
    for name, (f, d1, d2) in UNARY.items():
        for point in POINTS[name]:
            p, tol = split(point)
            x = mpf(float(p))
            if name not in ("relu", "abs"):
                check(name + "'", x, d1(x), nd(f, x, 1), f(x), 1)
                check(name + "''", x, d2(x), nd(f, x, 2), f(x), 2)
                check(name + "'' (of f')", x, d2(x), nd(d1, x, 1), d1(x), 1)
            yield name, [x], f(x), [d1(x)], [d2(x)], tol


def binary_rows():
    for name, derivs in BINARY.items():
        for point in BINARY_POINTS[name]:
            (a, b), tol = split(point)
            a, b = mpf(float(a)), mpf(float(b))
            f, g, h = derivs(a, b)
            if name not in ("max", "min"):
                fn = lambda u, v: derivs(u, v)[0]
                for (i, j), cell in (((1, 0), g[0]), ((0, 1), g[1]), ((2, 0), h[0][0]), ((1, 1), h[0][1]),
                                     ((0, 2), h[1][1])):
                    if cell is not None:
                        check(f"{name} d{(i, j)}", (a, b), cell, nd(fn, (a, b), (i, j)), f, i + j)
            yield name, [a, b], f, g, [h[0][0], h[0][1], h[1][0], h[1][1]], tol


def nary_rows():
    for name, derivs in NARY.items():
        for entry in NARY_POINTS[name]:
            point, tol = split(entry)
            x = [mpf(float(v)) for v in point]
            f, g, h = derivs(x)
            fn = lambda *v: derivs(list(v))[0]
            for i in range(len(x)):
                for j in range(i, len(x)):
                    order = [0] * len(x)
                    order[i] += 1
                    if j == i:
                        check(f"{name} d{i}", tuple(x), g[i], nd(fn, tuple(x), tuple(order)), f, 1)
                    order[j] += 1
                    check(f"{name} d{i}{j}", tuple(x), h[i][j], nd(fn, tuple(x), tuple(order)), f, 2)
            yield name, x, f, g, [c for row in h for c in row], tol


def main():
    print(f"# rule;arguments;value;gradient;hessian (row by row);tolerance (blank: the test's own) -- mpmath {mpmath.__version__} at {mp.dps} digits, "
          f"Python {sys.version.split()[0]}; made by dsl/src/test/oracles/rule_derivatives.py")
    for rows in (unary_rows(), binary_rows(), nary_rows()):
        for name, args, f, g, h, tol in rows:
            print(";".join([name, " ".join(repr(float(a)) for a in args), fmt(f),
                            " ".join(fmt(v) for v in g), " ".join(fmt(v) for v in h),
                            "" if tol is None else repr(tol)]))


if __name__ == "__main__":
    main()
