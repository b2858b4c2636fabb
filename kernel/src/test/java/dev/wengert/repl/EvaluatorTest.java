package dev.wengert.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.wengert.repl.CellError.CompilationError;
import dev.wengert.repl.CellError.ExceptionInCell;

/** The shared cell pipeline, driven directly: let, magics, errors at the typed text, completion. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // safety net only
class EvaluatorTest {

    @TempDir
    static Path dir;

    private static Evaluator evaluator;

    @BeforeAll
    static void start() {
        // the DSL's sources as a folder: the sources jar the kernel ships is made later, at package
        evaluator = new Evaluator(Evaluator.Options.defaults(dir).withStartup(List.of(RepoFiles.startup()))
                .withSourcePath(List.of(RepoFiles.root().resolve("dsl/src/main/java"))));
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    private static List<Evaluator.Result> eval(String code) throws CellError {
        return eval(code, Evaluator.Source.CELL);
    }

    private static List<Evaluator.Result> eval(String code, Evaluator.Source source) throws CellError {
        List<Evaluator.Result> results = new ArrayList<>();
        evaluator.eval(code, source, results::add);
        return results;
    }

    private static Object last(String code) throws CellError {
        List<Evaluator.Result> results = eval(code);
        return results.get(results.size() - 1).value();
    }

    @Test
    void letDeclaresAndTheLastExpressionIsTheValue() throws Exception {
        List<Evaluator.Result> results = eval("let six = 6;\nsix * 7");
        assertEquals(2, results.size());
        assertEquals(6, results.get(0).value());
        assertTrue(!results.get(0).isExpressionValue() && results.get(1).isExpressionValue());
        assertEquals(42, results.get(1).value());
        assertEquals("let six = 6;", evaluator.typedSource(results.get(0).snippet()), "the text as typed");
    }

    @Test
    void theDslIsImportedByTheStartupScript() throws Exception {
        // d/dx (x² + sin x) at 2 = 4 + cos 2
        Object grad = last("let x = param(\"x\", 2.0);\nNum y = x.times(x).plus(sin(x));\ny.backward();\nx.grad()");
        assertEquals(4 + Math.cos(2), (double) grad, 1e-15);
    }

    @Test
    void magicsRunWhereTheyStandInTheCell() throws Exception {
        Path jar = RepoFiles.jarOf(dir.resolve("greet.jar"), "greet.Hello",
                "package greet; public class Hello { public static String hi() { return \"hi\"; } }");
        // used before the %jars line: not yet on the class path
        CompilationError early = assertThrows(CompilationError.class,
                () -> eval("String early = greet.Hello.hi();\n%jars " + jar));
        assertEquals(1, early.problems().get(0).line());
        assertEquals("hi", last("int before = 1;\n%jars greet.jar\ngreet.Hello.hi()"));
    }

    @Test
    void anUnknownMagicListsTheMagicsAtItsLine() {
        CellError.MagicError error = assertThrows(CellError.MagicError.class,
                () -> eval("int fine = 1;\n%nope x", new Evaluator.Source("setup.jsh", 7)));
        assertEquals(8, error.line());
        assertTrue(error.getMessage().startsWith("unknown magic %nope; the magics are:\n%jars "), error.getMessage());
        CellError.MagicError missing = assertThrows(CellError.MagicError.class, () -> eval("%jars missing/*.jar"));
        assertTrue(missing.getMessage().startsWith("%jars: no jars match missing/*.jar"), missing.getMessage());
    }

    @Test
    void compileErrorsPointAtTheTextAsTyped() {
        CompilationError error = assertThrows(CompilationError.class,
                () -> eval("let a = 1;\nlet b = nope + a;", new Evaluator.Source("calc.jsh", 10)));
        CompilationError.Problem problem = error.problems().get(0);
        assertEquals(11, problem.line());
        assertEquals(9, problem.column());
        assertEquals("let b = nope + a;", problem.sourceLine(), "the user's let, not JShell's var");
        assertEquals("        ^--^", problem.caret());
        assertTrue(problem.message().startsWith("cannot find symbol\n  symbol:   variable nope"), problem.message());
        assertEquals("calc.jsh", error.sourceName());
    }

    @Test
    void exceptionsNameTheLinesOfTheirSnippetsAcrossCells() throws Exception {
        ExceptionInCell error = assertThrows(ExceptionInCell.class, () -> eval(
                "int divide(int a, int b) {\n    return a / b;\n}\n\ndivide(1, 0)", new Evaluator.Source("calc.jsh", 20)));
        assertEquals(24, error.line());
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at divide (calc.jsh:21)",
                "    at cell (calc.jsh:24)"), error.traceback());
        // a later notebook cell calling the script's method: each frame where its code was typed
        ExceptionInCell later = assertThrows(ExceptionInCell.class, () -> eval("int unused = 0;\ndivide(2, 0)"));
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at divide (calc.jsh:21)",
                "    at cell (line 2)"), later.traceback());
    }

    @Test
    void completenessSeesLetAndMagics() throws Exception {
        assertEquals(Evaluator.Completeness.COMPLETE, evaluator.completeness("let x = 1;"));
        assertEquals(Evaluator.Completeness.COMPLETE, evaluator.completeness("1 + 1"));
        assertEquals(Evaluator.Completeness.INCOMPLETE, evaluator.completeness("for (int i = 0; i < 3; i++) {"));
        assertEquals(Evaluator.Completeness.INCOMPLETE, evaluator.completeness("let total = 1 +"));
        assertEquals(Evaluator.Completeness.COMPLETE, evaluator.completeness("%jars lib/*.jar"));
        assertEquals(Evaluator.Completeness.EMPTY, evaluator.completeness("  // nothing\n"));
        assertEquals(Evaluator.Completeness.INVALID, evaluator.completeness(")"));
    }

    @Test
    void completesDslMethodsAndMagicNames() throws Exception {
        Evaluator.Completions dsl = evaluator.complete("var r = minim", 13);
        assertEquals(8, dsl.anchor());
        assertTrue(dsl.continuations().contains("minimize("), dsl.continuations().toString());
        Evaluator.Completions magic = evaluator.complete("int a = 1;\n%ja", 14);
        assertEquals(new Evaluator.Completions(12, List.of("jars ")), magic);
    }

    @Test
    void documentsTheMethodWhoseArgumentsTheCursorIsIn() throws Exception {
        List<Evaluator.Documentation> docs = evaluator.documentation("Math.abs(", 9);
        assertTrue(docs.stream().anyMatch(d -> d.signature().contains("abs(int")), docs.toString());
    }

    @Test
    void aBareDslNameShowsTheJavadocOfEachOverload() throws Exception {
        for (int cursor : new int[] {"var r = minimize".length(), "var r = mini".length()}) {
            List<Evaluator.Documentation> docs = evaluator.documentation("var r = minimize", cursor);
            Evaluator.Documentation lbfgs = docs.stream()
                    .filter(d -> d.signature().equals("OptimizationResult dev.wengert.Wengert.minimize(Fn f, double... x0)"))
                    .findFirst().orElseThrow(() -> new AssertionError(docs.toString()));
            // the javadoc as plain text: {@code} resolved, the example indented, no HTML left
            assertTrue(lbfgs.javadoc().startsWith("Minimises f from x0 by L-BFGS"), lbfgs.javadoc());
            assertTrue(lbfgs.javadoc().contains("\n    var r = minimize(x -> square("), lbfgs.javadoc());
            assertTrue(!lbfgs.javadoc().contains("<pre>") && !lbfgs.javadoc().contains("{@code"), lbfgs.javadoc());
            assertTrue(docs.size() >= 2 && docs.stream().allMatch(d -> d.signature().contains(".minimize(")
                    && !d.javadoc().isBlank()), "every overload, each with its javadoc: " + docs);
        }
        List<Evaluator.Documentation> sine = evaluator.documentation("sin(", 4);
        assertEquals(List.of(new Evaluator.Documentation("Num dev.wengert.Wengert.sin(Num x)", "Sine."),
                new Evaluator.Documentation("double dev.wengert.Wengert.sin(double x)", "Sine, of a double.")), sine);
    }

    @Test
    void exitsOfCellsAndOfTheirLibrariesAreRefusedWhenTheFrontEndSaysSo() throws Exception {
        RepoFiles.jarOf(dir.resolve("quitter.jar"), "quitting.Quitter",
                "package quitting; public class Quitter { public static void quit() { System.exit(4); } }");
        eval("int survivor = 7;");
        ExitCalls.refuse("the test says no.");
        try {
            String[][] cells = {
                {"System.exit(3);", "System.exit(3)"},
                {"Runtime.getRuntime().halt(2);", "Runtime.halt(2)"},
                {"Runtime.getRuntime().exit(1);", "Runtime.exit(1)"},
                {"java.util.function.IntConsumer quit = System::exit;\nquit.accept(6);", "System.exit(6)"},
                {"java.util.function.IntConsumer end = Runtime.getRuntime()::exit;\nend.accept(8);", "Runtime.exit(8)"},
                {"%jars quitter.jar\nquitting.Quitter.quit();", "System.exit(4)"}};
            for (String[] cell : cells) {
                ExceptionInCell refused = assertThrows(ExceptionInCell.class, () -> eval(cell[0]), cell[0]);
                assertEquals("java.lang.SecurityException: " + cell[1] + " was refused: the test says no.",
                        refused.traceback().get(0), cell[0]);
            }
        } finally {
            ExitCalls.allow();
        }
        assertEquals(7, last("survivor"));
    }

    @Test
    void mavenAddsAnArtifactAndItsDependenciesFromARemoteRepository() throws Exception {
        Path remote = TestMavenRepository.create(dir.resolve("remote-repo"));
        Path local = dir.resolve("local-repo");
        String[] printed = new String[1];
        Object greeting = withMaven(remote.toUri().toString(), local, "false", printed,
                () -> last("%maven " + TestMavenRepository.GREET + "\ngreet.Greeter.greet(\"maven\")"));
        // greet.Greeter calls words.Words: the transitive dependency is on the class path too
        assertEquals("hello, maven", greeting);
        assertTrue(printed[0].endsWith("com.example:greet:jar:1.0: added to the class path\n"
                + "com.example:words:jar:1.0: added to the class path\n"), printed[0]);
        assertTrue(printed[0].startsWith("downloaded " + remote.toUri() + "com/example/greet/1.0/greet-1.0.jar ("),
                printed[0]);
        assertTrue(Files.isRegularFile(local.resolve("com/example/words/1.0/words-1.0.jar")), "cached in the local repository");

        // offline, the local repository alone serves what was downloaded before
        Object again = withMaven("file:///nonexistent-repository/", local, "true", printed,
                () -> last("%maven com.example:greet:1.0\nwords.Words.hello()"));
        assertEquals("hello", again);
        assertEquals("com.example:greet:jar:1.0: added to the class path\n"
                + "com.example:words:jar:1.0: added to the class path\n", printed[0]);
    }

    @Test
    void loadFromPomTakesDependencyElementsWithProperties() throws Exception {
        Path remote = TestMavenRepository.create(dir.resolve("pom-repo"));
        String[] printed = new String[1];
        List<Evaluator.Result> results = withMaven(remote.toUri().toString(), dir.resolve("pom-local"), "false", printed,
                () -> eval("%%loadFromPOM\n<properties><greet.version>1.0</greet.version></properties>\n"
                        + "<dependency>\n  <groupId>com.example</groupId>\n  <artifactId>greet</artifactId>\n"
                        + "  <version>${greet.version}</version>\n</dependency>\n"));
        assertEquals(List.of(), results, "a cell magic takes the whole cell");
        assertTrue(printed[0].endsWith("com.example:greet:jar:1.0: added to the class path\n"
                + "com.example:words:jar:1.0: added to the class path\n"), printed[0]);
        assertEquals("hello, pom", last("greet.Greeter.greet(\"pom\")"));
    }

    @Test
    void loadFromPomTakesTheRepositoriesAndTheBomsItNames() throws Exception {
        Path remote = TestMavenRepository.create(dir.resolve("bom-repo"));
        String[] printed = new String[1];
        // no repository but the POM's; words' version comes from the imported BOM
        withMaven("none", dir.resolve("bom-local"), "false", printed, () -> eval("%%loadFromPOM\n"
                + "<repositories><repository><id>team</id><url>" + remote.toUri() + "</url></repository></repositories>\n"
                + "<dependencyManagement><dependencies><dependency><groupId>com.example</groupId>"
                + "<artifactId>bom</artifactId><version>1.0</version><type>pom</type><scope>import</scope>"
                + "</dependency></dependencies></dependencyManagement>\n"
                + "<dependency><groupId>com.example</groupId><artifactId>words</artifactId></dependency>"));
        assertTrue(printed[0].endsWith("com.example:words:jar:1.0: added to the class path\n"), printed[0]);
        assertTrue(printed[0].startsWith("downloaded " + remote.toUri() + "com/example/words/1.0/words-1.0.jar"), printed[0]);
    }

    @Test
    void mavenFollowsTheMirrorsAndTheLocalRepositoryOfSettingsXml() throws Exception {
        Path remote = TestMavenRepository.create(dir.resolve("mirror-repo"));
        Path local = dir.resolve("settings-local");
        Path settings = dir.resolve("settings.xml");
        // Maven Central (the default) is mirrored by the test's repository: nothing goes to the network
        Files.writeString(settings, "<settings><localRepository>" + local + "</localRepository><mirrors><mirror>"
                + "<id>company</id><mirrorOf>*</mirrorOf><url>" + remote.toUri() + "</url></mirror></mirrors></settings>");
        String[] printed = new String[1];
        Object hello = withSettings(Map.of("wengert.maven.settings", settings.toString()), printed,
                () -> last("%maven com.example:words:1.0\nwords.Words.hello()"));
        assertEquals("hello", hello);
        assertTrue(printed[0].startsWith("downloaded " + remote.toUri() + "com/example/words/1.0/words-1.0.jar"), printed[0]);
        assertTrue(Files.isRegularFile(local.resolve("com/example/words/1.0/words-1.0.jar")), "settings.xml's localRepository");
    }

    @Test
    void mavenSendsTheCredentialsOfSettingsXmlToAnHttpRepository() throws Exception {
        Path remote = TestMavenRepository.create(dir.resolve("http-repo"));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = repositoryServer(remote, "ada:secret", seen);
        try {
            Path settings = dir.resolve("settings-auth.xml");
            // the repository's id is "repository" (the first of WENGERT_MAVEN_REPOSITORIES); its server entry has the password
            Files.writeString(settings, "<settings><servers><server><id>repository</id><username>ada</username>"
                    + "<password>secret</password></server></servers></settings>");
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            String[] printed = new String[1];
            Object hello = withSettings(Map.of("wengert.maven.settings", settings.toString(), "wengert.maven.repositories",
                    url, "wengert.maven.local", dir.resolve("http-local").toString()), printed,
                    () -> last("%maven com.example:words:1.0\nwords.Words.hello()"));
            assertEquals("hello", hello);
            assertTrue(printed[0].startsWith("downloaded " + url + "com/example/words/1.0/words-1.0.jar"), printed[0]);
            assertTrue(seen.contains("GET /com/example/words/1.0/words-1.0.jar authorized"), seen.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void mavenGoesThroughTheProxyOfSettingsXml() throws Exception {
        Path remote = TestMavenRepository.create(dir.resolve("proxied-repo"));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer proxy = repositoryServer(remote, null, seen);
        try {
            Path settings = dir.resolve("settings-proxy.xml");
            Files.writeString(settings, "<settings><proxies><proxy><id>office</id><active>true</active><protocol>http"
                    + "</protocol><host>127.0.0.1</host><port>" + proxy.getAddress().getPort() + "</port></proxy>"
                    + "</proxies></settings>");
            // a host no resolver could reach: only the proxy knows it
            String url = "http://repository.invalid/";
            String[] printed = new String[1];
            Object hello = withSettings(Map.of("wengert.maven.settings", settings.toString(), "wengert.maven.repositories",
                    url, "wengert.maven.local", dir.resolve("proxied-local").toString()), printed,
                    () -> last("%maven com.example:words:1.0\nwords.Words.hello()"));
            assertEquals("hello", hello);
            assertTrue(seen.contains("GET http://repository.invalid/com/example/words/1.0/words-1.0.jar"), seen.toString());
        } finally {
            proxy.stop(0);
        }
    }

    /**
     * An HTTP server on the loopback address serving {@code repository}'s files (as a repository,
     * or as a proxy in front of one), asking for {@code credentials} ("user:password") if given;
     * each request is noted in {@code seen}.
     */
    private static com.sun.net.httpserver.HttpServer repositoryServer(Path repository, String credentials, List<String> seen)
            throws java.io.IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        String expected = credentials == null ? null
                : "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            java.net.URI uri = exchange.getRequestURI();
            Path file = repository.resolve(uri.getPath().substring(1));
            seen.add(exchange.getRequestMethod() + " " + uri + (expected != null && expected.equals(auth) ? " authorized" : ""));
            if (expected != null && !expected.equals(auth)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"repository\"");
                exchange.sendResponseHeaders(401, -1);
            } else if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] body = Files.readAllBytes(file);
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(200, head ? -1 : body.length);
                if (!head) {
                    exchange.getResponseBody().write(body);
                }
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void mavenSaysWhatItCouldNotFindAndWhere() throws Exception {
        Path remote = TestMavenRepository.create(dir.resolve("missing-repo"));
        Path local = dir.resolve("missing-local");
        String[] printed = new String[1];
        CellError.MagicError missing = assertThrows(CellError.MagicError.class, () -> withMaven(remote.toUri().toString(),
                local, "false", printed, () -> eval("int fine = 1;\n%maven com.example:missing:2.0")));
        assertEquals(2, missing.line());
        String message = missing.getMessage();
        assertTrue(message.startsWith("%maven: could not resolve the dependencies:\n  Could not find artifact "
                + "com.example:missing:jar:2.0 in repository (" + remote.toUri() + ")\n"), message);
        assertTrue(message.contains("Looked in the local repository " + local + " and in repository (" + remote.toUri()),
                message);
        // offline and not in the local repository: it says so
        CellError.MagicError offline = assertThrows(CellError.MagicError.class, () -> withMaven(remote.toUri().toString(),
                local, "true", printed, () -> eval("%maven com.example:greet:1.0")));
        assertTrue(offline.getMessage().contains("com.example:greet:")
                && offline.getMessage().contains("Looked in the local repository " + local + " only (offline"),
                offline.getMessage());
        CellError.MagicError bad = assertThrows(CellError.MagicError.class, () -> eval("%maven commons-lang3"));
        assertTrue(bad.getMessage().startsWith("%maven: 'commons-lang3' is not a Maven artifact: write "
                + "group:artifact:version"), bad.getMessage());
    }

    /** Runs {@code work} with %maven pointed at {@code remote} and {@code local}; what it printed goes to printed[0]. */
    private static <T> T withMaven(String remote, Path local, String offline, String[] printed,
            java.util.concurrent.Callable<T> work) throws Exception {
        return withSettings(Map.of("wengert.maven.repositories", remote, "wengert.maven.local", local.toString(),
                "wengert.maven.offline", offline), printed, work);
    }

    /**
     * Runs {@code work} with these system properties (a settings.xml that does not exist unless
     * they name one); what it printed goes to printed[0].
     */
    private static <T> T withSettings(Map<String, String> properties, String[] printed,
            java.util.concurrent.Callable<T> work) throws Exception {
        java.io.PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty("wengert.maven.settings", dir.resolve("no-settings.xml").toString());
        properties.forEach(System::setProperty);
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return work.call();
        } finally {
            System.setOut(out);
            printed[0] = captured.toString(StandardCharsets.UTF_8);
            for (String name : List.of("repositories", "local", "offline", "settings")) {
                System.clearProperty("wengert.maven." + name);
            }
        }
    }

    @Test
    void aSessionThatImportsTheDslCallsItOnceWhileStartingAndKeepsNothingOfIt() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Evaluator.Options options = Evaluator.Options.defaults(dir).withStartup(List.of(RepoFiles.startup()));
        options = new Evaluator.Options(options.classPath(), options.compilerOptions(), options.startup(), -1,
                "the time limit", 200, dir, new PrintStream(log, true, StandardCharsets.UTF_8));
        int dslWarmUps = Evaluator.dslWarmUps();
        try (Evaluator other = new Evaluator(options)) {
            List<Evaluator.Result> results = new ArrayList<>();
            other.eval("tape().size()", Evaluator.Source.CELL, results::add);
            // the DSL warm-up ran before the first cell (forward mode: the tape stays empty)
            assertEquals(dslWarmUps + 1, Evaluator.dslWarmUps());
            assertEquals(0, results.get(0).value());
            assertEquals("1", results.get(0).snippet().id());
            jdk.jshell.JShell shell = other.jshell();
            assertTrue(shell.snippets().noneMatch(s -> shell.status(s).isActive() && s.source().contains("derivative(")),
                    "the DSL warm-up snippet is dropped");
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theStartupIsImportsOnlySoEachOfItsSnippetsIsOneSmallCompilation() throws Exception {
        // every startup snippet is a javac compilation before the first cell: JShell's 10 default
        // imports, the session's methods (an import, not three method snippets) and startup.jsh's
        // imports; the warm-up cells' snippets are dropped
        try (Evaluator other = new Evaluator(Evaluator.Options.defaults(dir).withStartup(List.of(RepoFiles.startup())))) {
            jdk.jshell.JShell shell = other.jshell();
            List<jdk.jshell.Snippet> kept = shell.snippets().filter(s -> shell.status(s).isActive())
                    .collect(java.util.stream.Collectors.toList());
            long scriptImports = RepoFiles.startup().code().lines().filter(line -> line.startsWith("import ")).count();
            assertEquals(10 + 1 + scriptImports, kept.size(), kept.toString());
            assertTrue(kept.stream().allMatch(s -> s.kind() == jdk.jshell.Snippet.Kind.IMPORT
                    && shell.status(s) == jdk.jshell.Snippet.Status.VALID), kept.toString());
            assertEquals(2, shell.snippets().count() - kept.size(), "the two warm-up cells, dropped");
        }
    }

    @Test
    void aMethodOfTheUserNamedDisplayTakesThePlaceOfTheSessions() throws Exception {
        try (Evaluator other = new Evaluator(Evaluator.Options.defaults(dir))) {
            List<Evaluator.Result> results = new ArrayList<>();
            other.eval("String display(Object value) { return \"mine: \" + value; }\ndisplay(1)",
                    Evaluator.Source.CELL, results::add);
            assertEquals("mine: 1", results.get(results.size() - 1).value());
        }
    }

    @Test
    void startupProblemsAreReportedAndTheRestOfTheScriptRuns() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Evaluator.Options options = Evaluator.Options.defaults(dir);
        options = new Evaluator.Options(List.of(), List.of(), List.of(new Evaluator.Script("bad.jsh",
                "int ok1 = 1;\nint bad = nope;\nint ok2 = 2;")), -1, "the time limit", 200, dir,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        int warmUps = Evaluator.warmUps();
        int dslWarmUps = Evaluator.dslWarmUps();
        try (Evaluator other = new Evaluator(options)) {
            List<Evaluator.Result> results = new ArrayList<>();
            other.eval("ok1 + ok2", Evaluator.Source.CELL, results::add);
            assertEquals(3, results.get(0).value());
            // the session ran its warm-up cell before the first cell, and dropped it: the user's snippets start at 1
            assertEquals(warmUps + 1, Evaluator.warmUps());
            // no DSL import, no DSL warm-up
            assertEquals(dslWarmUps, Evaluator.dslWarmUps());
            assertEquals("1", results.get(0).snippet().id());
            jdk.jshell.JShell shell = other.jshell();
            assertTrue(shell.snippets().noneMatch(s -> shell.status(s).isActive()
                    && s.source().contains("Math.max(1, 2) + 40")), "the warm-up snippet is dropped");
        }
        assertEquals("wengert: startup script bad.jsh: line 2, column 11: cannot find symbol\n"
                + "  symbol:   variable nope\n", log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void displayGoesToTheFrontEnd() throws Exception {
        List<Object> shown = new ArrayList<>();
        Display.attach(new Display.Target() {
            @Override
            public String show(Object value) {
                shown.add(value);
                return "id-" + shown.size();
            }

            @Override
            public void update(String id, Object value) {
                shown.add(id + "=" + value);
            }
        });
        try {
            assertEquals("id-1", last("String line = updatableDisplay(\"step 0\");\nupdateDisplay(line, \"step 1\");\nline"));
            assertEquals(List.of("step 0", "id-1=step 1"), shown);
        } finally {
            Display.attach(null);
        }
    }

    @Test
    void anInterruptedOptimizerBindsItsBestPointAndTheRestOfTheCellDoesNotRun() throws Exception {
        System.clearProperty("wengert.test.running");
        List<Evaluator.Result> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Exception> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                evaluator.eval("let slow = minimize(x -> { System.setProperty(\"wengert.test.running\", \"yes\"); "
                        + "return square(x[0].minus(3)); }, new double[] {0}, "
                        + "gradientDescent(1e-9).maxIterations(Integer.MAX_VALUE).progress(false));\nint after = 1;",
                        Evaluator.Source.CELL, reported::add);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        // interrupt once the run is under way, until the cell has ended
        while (System.getProperty("wengert.test.running") == null) {
            Thread.sleep(10);
        }
        while (!outcome.isDone()) {
            evaluator.interrupt();
            Thread.sleep(50);
        }
        assertTrue(outcome.get() instanceof CellError.Interrupted, String.valueOf(outcome.get()));
        assertEquals(1, reported.size(), "the optimizer's snippet finished and was reported; the next did not run");
        assertTrue(String.valueOf(reported.get(0).value()).contains("; interrupted after "), reported.toString());
        assertTrue(((String) last("slow.reason()")).startsWith("interrupted after "));
        CompilationError after = assertThrows(CompilationError.class, () -> eval("after"));
        assertTrue(after.getMessage().contains("cannot find symbol"), after.getMessage());
    }

    @Test
    void aRunawaySnippetIsInterruptedAndTheSessionStays() throws Exception {
        eval("int keep = 42;");
        CompletableFuture<Exception> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                eval("while (true) {}");
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        // interrupt until the cell has ended; an interrupt that comes early does no harm
        while (!outcome.isDone()) {
            evaluator.interrupt();
            Thread.sleep(50);
        }
        assertTrue(outcome.get() instanceof CellError.Interrupted, String.valueOf(outcome.get()));
        assertEquals(42, last("keep"));
    }
}
