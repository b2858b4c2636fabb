package dev.wengert.repl;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Manifest;

import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;

/**
 * The class loader of user code: the snippets JShell compiles and the jars and folders a
 * session adds ({@code %jars}, {@code %classpath}, {@code %maven}, {@code IJAVA_CLASSPATH}), with
 * the REPL's own class path (the DSL, the kernel) as its parent.
 *
 * <p>It does what JShell's default loader does, and one thing more: every class it defines goes
 * through {@link ExitRewriter} first, so {@code System.exit} in a cell or in a library the cell
 * calls reaches {@link ExitCalls}. JShell's default loader is not public and has no hook for
 * that, hence this one.
 */
final class UserClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    // snippet classes by resource name ("REPL/$JShell$12.class"), as JShell hands them over
    private final Map<String, byte[]> snippets = new ConcurrentHashMap<>();

    UserClassLoader(ClassLoader parent) {
        super(new URL[0], parent);
    }

    void declare(String className, byte[] bytes) {
        snippets.put(resource(className), ExitRewriter.rewrite(bytes));
    }

    void addPath(String path) throws MalformedURLException {
        addURL(new File(path).toURI().toURL());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] snippet = snippets.get(resource(name));
        if (snippet != null) {
            return defineClass(name, snippet, 0, snippet.length, (CodeSource) null);
        }
        URL url = super.findResource(resource(name));
        if (url == null) {
            throw new ClassNotFoundException(name);
        }
        try {
            URLConnection connection = url.openConnection();
            byte[] bytes;
            try (InputStream in = connection.getInputStream()) {
                bytes = in.readAllBytes();
            }
            definePackageOf(name, connection);
            byte[] rewritten = ExitRewriter.rewrite(bytes);
            return defineClass(name, rewritten, 0, rewritten.length, new CodeSource(origin(url, name), (CodeSigner[]) null));
        } catch (IOException e) {
            throw new ClassNotFoundException(name + ": cannot read " + url + ": " + e.getMessage(), e);
        }
    }

    /** As URLClassLoader does: the package, with the jar manifest's title, version and vendor. */
    private void definePackageOf(String className, URLConnection connection) throws IOException {
        int dot = className.lastIndexOf('.');
        if (dot < 0) {
            return;
        }
        String pkg = className.substring(0, dot);
        if (getDefinedPackage(pkg) != null) {
            return;
        }
        Manifest manifest = connection instanceof JarURLConnection ? ((JarURLConnection) connection).getManifest() : null;
        try {
            if (manifest != null) {
                definePackage(pkg, manifest, ((JarURLConnection) connection).getJarFileURL());
            } else {
                definePackage(pkg, null, null, null, null, null, null, null);
            }
        } catch (IllegalArgumentException e) {
            // defined meanwhile by another thread: the same package
        }
    }

    /** The jar or folder a class came from, for its ProtectionDomain's CodeSource. */
    private static URL origin(URL url, String className) throws MalformedURLException {
        String text = url.toString();
        if (text.startsWith("jar:")) {
            return new URL(text.substring(4, text.indexOf("!/")));
        }
        return new URL(text.substring(0, text.length() - resource(className).length()));
    }

    @Override
    public URL findResource(String name) {
        byte[] snippet = snippets.get(name);
        if (snippet == null) {
            return super.findResource(name);
        }
        try {
            return new URL(null, "jshell:/" + name, new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL u) {
                    return new URLConnection(u) {
                        @Override
                        public void connect() {
                            connected = true;
                        }

                        @Override
                        public InputStream getInputStream() {
                            return new ByteArrayInputStream(snippet);
                        }
                    };
                }
            });
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String className) {
        return className.replace('.', '/') + ".class";
    }

    /** JShell's side: it hands over compiled snippets, asks for classes, adds to the class path. */
    static final class Delegate implements LoaderDelegate {
        private final UserClassLoader loader = new UserClassLoader(ClassLoader.getSystemClassLoader());
        private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

        @Override
        public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
            boolean[] loaded = new boolean[cbcs.length];
            try {
                for (ClassBytecodes cbc : cbcs) {
                    loader.declare(cbc.name(), cbc.bytecodes());
                }
                for (int i = 0; i < cbcs.length; i++) {
                    Class<?> type = loader.loadClass(cbcs[i].name());
                    classes.put(cbcs[i].name(), type);
                    loaded[i] = true;
                    type.getDeclaredMethods(); // linked now, so errors show up here, as JShell's loader does
                }
            } catch (Throwable e) {
                throw new ClassInstallException("load: " + e.getMessage(), loaded);
            }
        }

        @Override
        public void classesRedefined(ClassBytecodes[] cbcs) {
            for (ClassBytecodes cbc : cbcs) {
                loader.declare(cbc.name(), cbc.bytecodes());
            }
        }

        @Override
        public void addToClasspath(String path) throws InternalException {
            try {
                for (String entry : path.split(File.pathSeparator)) {
                    loader.addPath(entry);
                }
            } catch (MalformedURLException e) {
                throw new InternalException(e.toString());
            }
        }

        @Override
        public Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> type = classes.get(name);
            if (type == null) {
                throw new ClassNotFoundException(name + " not found");
            }
            return type;
        }
    }
}
