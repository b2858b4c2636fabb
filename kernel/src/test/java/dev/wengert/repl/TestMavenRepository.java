package dev.wengert.repl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Maven repository in a folder, made by a test: two tiny artifacts, {@code com.example:greet:1.0}
 * (class {@code greet.Greeter}) depending on {@code com.example:words:1.0} (class
 * {@code words.Words}), and a BOM {@code com.example:bom:1.0} that manages words' version, laid
 * out as Maven lays them out, so {@code %maven} can resolve them without a network, transitively.
 */
public final class TestMavenRepository {

    /** The coordinates of the artifact that depends on the other. */
    public static final String GREET = "com.example:greet:1.0";

    private TestMavenRepository() {
    }

    /** Writes the repository into {@code repository} (created if needed) and returns it. */
    public static Path create(Path repository) throws IOException {
        Path work = Files.createDirectories(repository.resolveSibling(repository.getFileName() + "-build"));
        Path words = RepoFiles.jarOf(work.resolve("words.jar"), "words.Words",
                "package words; public class Words { public static String hello() { return \"hello\"; } }");
        deploy(repository, "words", words, "");
        Path greet = RepoFiles.jarOf(work.resolve("greet.jar"), "greet.Greeter",
                "package greet; public class Greeter { public static String greet(String who) {"
                        + " return words.Words.hello() + \", \" + who; } }",
                words);
        deploy(repository, "greet", greet, "<dependencies><dependency><groupId>com.example</groupId>"
                + "<artifactId>words</artifactId><version>1.0</version></dependency></dependencies>");
        Path bom = Files.createDirectories(repository.resolve("com/example/bom/1.0"));
        Files.writeString(bom.resolve("bom-1.0.pom"), "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
                + "<modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>bom</artifactId>"
                + "<version>1.0</version><packaging>pom</packaging><dependencyManagement><dependencies><dependency>"
                + "<groupId>com.example</groupId><artifactId>words</artifactId><version>1.0</version></dependency>"
                + "</dependencies></dependencyManagement></project>\n");
        return repository;
    }

    private static void deploy(Path repository, String artifactId, Path jar, String dependencies) throws IOException {
        Path dir = Files.createDirectories(repository.resolve("com/example/" + artifactId + "/1.0"));
        Files.copy(jar, dir.resolve(artifactId + "-1.0.jar"));
        Files.writeString(dir.resolve(artifactId + "-1.0.pom"), "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
                + "<modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>" + artifactId
                + "</artifactId><version>1.0</version>" + dependencies + "</project>\n");
    }
}
