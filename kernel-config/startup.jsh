// Wengert startup script: shared by ./wengert (the console and scripts) and the Jupyter kernel.
// JShell's own defaults (java.util.*, java.io.*, java.util.function.*, ...) are loaded before it.
import dev.wengert.core.*;
import dev.wengert.tensor.Tensor;
import dev.wengert.compile.CompiledFn;
import dev.wengert.optim.*;
import dev.wengert.fit.*;
import static dev.wengert.Wengert.*;
import tech.tablesaw.api.*;
