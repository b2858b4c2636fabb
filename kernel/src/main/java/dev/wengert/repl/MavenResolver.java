package dev.wengert.repl;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.ArtifactDescriptorRequest;
import org.eclipse.aether.resolution.ArtifactDescriptorResult;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Resolves Maven dependencies, with their transitive runtime dependencies, to jar files, using
 * Maven's own resolver wired as Maven 3 does it (POMs, parents, dependency management, version
 * ranges, exclusions, nearest-wins). Artifacts come from the local repository and, unless
 * offline, the remote ones of {@link MavenSetup} (downloaded into the local repository).
 */
final class MavenResolver {

    /** What a resolution produced: the files in class path order and their coordinates. */
    record Resolved(List<Path> files, List<String> coordinates) {
    }

    // one per JVM: building it wires some hundred components, and it is stateless between requests
    private static RepositorySystem system;

    private MavenResolver() {
    }

    private static synchronized RepositorySystem system() {
        if (system == null) {
            system = new RepositorySystemSupplier().get();
        }
        return system;
    }

    /**
     * Resolves {@code dependencies} and their runtime dependencies.
     *
     * @param dependencies what the user asked for
     * @param managed versions and scopes of dependency management (may be empty)
     * @param extraRepositories repositories named by the request (a POM's), searched after the setup's
     * @param setup where to look
     * @param out where downloads are reported
     * @throws IllegalArgumentException naming every artifact that could not be found, and where it was looked for
     */
    static Resolved resolve(List<Dependency> dependencies, List<Dependency> managed, List<RemoteRepository> extraRepositories,
            MavenSetup setup, PrintStream out) {
        RepositorySystem repositories = system();
        try (RepositorySystemSession.CloseableSession session = session(repositories, setup, out)) {
            List<RemoteRepository> remotes = remotes(repositories, session, setup, extraRepositories);
            List<Dependency> allManaged = new ArrayList<>();
            managed.stream().filter(d -> !"import".equals(d.getScope())).forEach(allManaged::add);
            allManaged.addAll(importedBoms(repositories, session, managed, remotes, setup));
            CollectRequest collect = new CollectRequest(versioned(dependencies, allManaged), allManaged, remotes);
            DependencyRequest request = new DependencyRequest(collect,
                    DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            DependencyResult result;
            try {
                result = repositories.resolveDependencies(session, request);
            } catch (DependencyResolutionException e) {
                throw new IllegalArgumentException(failure(e, setup, remotes), e);
            }
            List<Path> files = new ArrayList<>();
            List<String> coordinates = new ArrayList<>();
            for (ArtifactResult artifact : result.getArtifactResults()) {
                files.add(artifact.getArtifact().getPath());
                coordinates.add(artifact.getArtifact().toString());
            }
            return new Resolved(files, coordinates);
        }
    }

    private static RepositorySystemSession.CloseableSession session(RepositorySystem repositories, MavenSetup setup,
            PrintStream out) {
        return new SessionBuilderSupplier(repositories).get()
                .withLocalRepositories(new LocalRepository(setup.localRepository()))
                .setOffline(setup.offline())
                .setMirrorSelector(setup.mirrors())
                .setProxySelector(setup.proxies())
                .setAuthenticationSelector(setup.authentication())
                .setSystemProperties(System.getProperties())
                .setConfigProperty("aether.connector.connectTimeout", 20_000)
                .setTransferListener(new AbstractTransferListener() {
                    @Override
                    public void transferSucceeded(TransferEvent event) {
                        if (event.getRequestType() == TransferEvent.RequestType.GET
                                && event.getResource().getResourceName().endsWith(".jar")) {
                            out.println("downloaded " + event.getResource().getRepositoryUrl()
                                    + event.getResource().getResourceName() + " (" + kilobytes(event.getTransferredBytes()) + ")");
                        }
                    }
                })
                .build();
    }

    private static String kilobytes(long bytes) {
        return bytes < 1024 ? bytes + " B" : String.format("%,d kB", (bytes + 512) / 1024);
    }

    /** The setup's repositories and the request's, with mirrors, proxies and credentials applied. */
    private static List<RemoteRepository> remotes(RepositorySystem repositories, RepositorySystemSession session,
            MavenSetup setup, List<RemoteRepository> extra) {
        List<RemoteRepository> all = new ArrayList<>(setup.remotes());
        all.addAll(extra);
        return repositories.newResolutionRepositories(session, all);
    }

    /**
     * The dependencies, those without a version given theirs from dependency management (as
     * Maven's model builder does for a project's own dependencies; the resolver manages only
     * transitive ones).
     */
    private static List<Dependency> versioned(List<Dependency> dependencies, List<Dependency> managed) {
        List<Dependency> versioned = new ArrayList<>();
        for (Dependency dependency : dependencies) {
            Artifact artifact = dependency.getArtifact();
            if (artifact.getVersion() == null || artifact.getVersion().isBlank()) {
                Dependency rule = managed.stream().filter(m -> sameArtifact(m.getArtifact(), artifact)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(artifact.getGroupId() + ":"
                                + artifact.getArtifactId() + " has no version: give it a <version>, or import a BOM "
                                + "that manages it in <dependencyManagement>"));
                dependency = dependency.setArtifact(artifact.setVersion(rule.getArtifact().getVersion()));
            }
            versioned.add(dependency);
        }
        return versioned;
    }

    private static boolean sameArtifact(Artifact a, Artifact b) {
        return a.getGroupId().equals(b.getGroupId()) && a.getArtifactId().equals(b.getArtifactId())
                && a.getClassifier().equals(b.getClassifier()) && a.getExtension().equals(b.getExtension());
    }

    /** The managed dependencies of BOMs imported in dependency management ({@code <scope>import</scope>}). */
    private static List<Dependency> importedBoms(RepositorySystem repositories, RepositorySystemSession session,
            List<Dependency> managed, List<RemoteRepository> remotes, MavenSetup setup) {
        List<Dependency> imported = new ArrayList<>();
        for (Dependency dependency : managed) {
            if (!"import".equals(dependency.getScope())) {
                continue;
            }
            try {
                ArtifactDescriptorResult bom = repositories.readArtifactDescriptor(session,
                        new ArtifactDescriptorRequest(dependency.getArtifact(), remotes, null));
                imported.addAll(bom.getManagedDependencies());
            } catch (ArtifactDescriptorException e) {
                throw new IllegalArgumentException("cannot read the imported BOM " + dependency.getArtifact() + ": "
                        + rootMessage(e) + where(setup, remotes), e);
            }
        }
        return imported;
    }

    /** Every artifact that could not be resolved, with the resolver's reason, and where it looked. */
    private static String failure(DependencyResolutionException e, MavenSetup setup, List<RemoteRepository> remotes) {
        Set<String> problems = new LinkedHashSet<>();
        DependencyResult result = e.getResult();
        if (result != null) {
            result.getCollectExceptions().forEach(x -> problems.add(rootMessage(x)));
            for (ArtifactResult artifact : result.getArtifactResults()) {
                if (!artifact.isResolved()) {
                    artifact.getExceptions().forEach(x -> problems.add(rootMessage(x)));
                }
            }
        }
        if (problems.isEmpty()) {
            problems.add(rootMessage(e));
        }
        return "could not resolve the dependencies:\n  " + String.join("\n  ", problems) + where(setup, remotes);
    }

    private static String where(MavenSetup setup, List<RemoteRepository> remotes) {
        String searched = remotes.isEmpty() ? "no remote repository"
                : remotes.stream().map(r -> r.getId() + " (" + r.getUrl() + ")").collect(Collectors.joining(", "));
        return "\nLooked in the local repository " + setup.localRepository()
                + (setup.offline() ? " only (offline: WENGERT_MAVEN_OFFLINE or settings.xml)" : " and in " + searched)
                + ". Check the coordinates (group:artifact:version), or set WENGERT_MAVEN_REPOSITORIES to the "
                + "repositories that have them.";
    }

    /**
     * The resolver's most specific message that names the artifact: it wraps "could not find"
     * and network errors in several layers ("Could not find artifact a:b:jar:1.0 in central
     * (https://…)", "The following artifacts could not be resolved: a:b:pom:1.0 (absent): Cannot
     * access central (…) in offline mode").
     */
    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        String naming = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("org.eclipse.aether") && t.getMessage() != null) {
                message = t.getMessage();
                if (message.toLowerCase().contains("artifact")) {
                    naming = message;
                }
            }
        }
        message = naming != null ? naming : message;
        return message == null ? e.toString() : message;
    }
}
