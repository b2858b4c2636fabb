// For a stock IJava kernel (kernel-config/install --ijava): after startup.jsh has imported the
// DSL, show its values (plots, fits, tapes) through their MIME bundles, as the Wengert kernel does.
dev.wengert.kernel.IJavaRenderers.register(io.github.spencerpark.ijava.IJava.getKernelInstance().getRenderer());
