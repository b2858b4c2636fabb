package dev.wengert.repl;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.maven.settings.Mirror;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.io.xpp3.SettingsXpp3Reader;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;
import org.eclipse.aether.repository.AuthenticationSelector;
import org.eclipse.aether.repository.MirrorSelector;
import org.eclipse.aether.repository.Proxy;
import org.eclipse.aether.repository.ProxySelector;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;

/**
 * Where {@code %maven} and {@code %%loadFromPOM} look: Maven's own settings, with a few
 * variables of ours on top.
 *
 * <ul>
 *   <li>{@code WENGERT_MAVEN_REPOSITORIES}: the remote repositories, in order, instead of Maven
 *       Central (URLs separated by blanks or commas, e.g. a company repository or
 *       {@code file:///path/to/repo}); {@code none} for the local repository alone.</li>
 *   <li>{@code WENGERT_MAVEN_LOCAL}: the local repository; else settings.xml's
 *       {@code localRepository}; else {@code ~/.m2/repository}, the one Maven uses.</li>
 *   <li>{@code WENGERT_MAVEN_SETTINGS}: the settings.xml to read (default
 *       {@code ~/.m2/settings.xml}): its mirrors, proxies, servers' user names and plain-text
 *       passwords, {@code localRepository} and {@code offline} are used.</li>
 *   <li>{@code WENGERT_MAVEN_OFFLINE=true}: the local repository only, as {@code mvn -o}.</li>
 * </ul>
 *
 * Each may also be given as a system property, lower case with dots
 * ({@code JAVA_OPTS=-Dwengert.maven.offline=true ./wengert}), which wins over the environment.
 *
 * @param localRepository the local repository
 * @param remotes the remote repositories, before mirrors and proxies are applied
 * @param offline whether only the local repository is used
 * @param settings what settings.xml says (empty if there is none)
 * @param settingsFile the settings.xml read, or null if there was none
 */
record MavenSetup(Path localRepository, List<RemoteRepository> remotes, boolean offline, Settings settings,
        Path settingsFile) {

    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    /** The setup that the environment and system properties describe. */
    static MavenSetup current() {
        return from(name -> {
            String property = System.getProperty(name.toLowerCase().replace('_', '.'));
            return property != null ? property : System.getenv(name);
        });
    }

    /** The setup that {@code variables} (environment-style names) describe. */
    static MavenSetup from(Function<String, String> variables) {
        Path home = Path.of(System.getProperty("user.home"));
        String settingsName = variables.apply("WENGERT_MAVEN_SETTINGS");
        Path settingsFile = settingsName != null && !settingsName.isBlank()
                ? Path.of(settingsName) : home.resolve(".m2/settings.xml");
        Settings settings = read(settingsFile);
        if (!Files.isRegularFile(settingsFile)) {
            settingsFile = null;
        }
        String local = variables.apply("WENGERT_MAVEN_LOCAL");
        Path localRepository = local != null && !local.isBlank() ? Path.of(local)
                : settings.getLocalRepository() != null && !settings.getLocalRepository().isBlank()
                        ? Path.of(settings.getLocalRepository()) : home.resolve(".m2/repository");
        String offline = variables.apply("WENGERT_MAVEN_OFFLINE");
        boolean isOffline = offline != null ? Boolean.parseBoolean(offline.strip()) : settings.isOffline();
        return new MavenSetup(localRepository.toAbsolutePath(), remotes(variables.apply("WENGERT_MAVEN_REPOSITORIES")),
                isOffline, settings, settingsFile);
    }

    private static List<RemoteRepository> remotes(String list) {
        List<RemoteRepository> remotes = new ArrayList<>();
        if (list == null || list.isBlank()) {
            remotes.add(new RemoteRepository.Builder("central", "default", CENTRAL).build());
            return remotes;
        }
        if (list.strip().equalsIgnoreCase("none")) {
            return remotes;
        }
        int n = 0;
        for (String url : list.strip().split("[\\s,]+")) {
            n++;
            remotes.add(new RemoteRepository.Builder(n == 1 ? "repository" : "repository-" + n, "default", url).build());
        }
        return remotes;
    }

    private static Settings read(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Settings();
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            return new SettingsXpp3Reader().read(reader, false);
        } catch (IOException | XmlPullParserException e) {
            throw new IllegalArgumentException("cannot read the Maven settings " + file + ": " + e.getMessage()
                    + " (fix the file, or point WENGERT_MAVEN_SETTINGS at another one)", e);
        }
    }

    /** settings.xml's mirrors, as Maven applies them. */
    MirrorSelector mirrors() {
        DefaultMirrorSelector selector = new DefaultMirrorSelector();
        for (Mirror mirror : settings.getMirrors()) {
            selector.add(mirror.getId(), mirror.getUrl(), mirror.getLayout(), false, mirror.isBlocked(),
                    mirror.getMirrorOf(), mirror.getMirrorOfLayouts());
        }
        return selector;
    }

    /** settings.xml's active proxies. */
    ProxySelector proxies() {
        DefaultProxySelector selector = new DefaultProxySelector();
        for (org.apache.maven.settings.Proxy proxy : settings.getProxies()) {
            if (!proxy.isActive()) {
                continue;
            }
            AuthenticationBuilder auth = new AuthenticationBuilder().addUsername(proxy.getUsername())
                    .addPassword(proxy.getPassword());
            selector.add(new Proxy(proxy.getProtocol(), proxy.getHost(), proxy.getPort(), auth.build()),
                    proxy.getNonProxyHosts());
        }
        return selector;
    }

    /** settings.xml's server credentials, by repository (or mirror) id. */
    AuthenticationSelector authentication() {
        DefaultAuthenticationSelector selector = new DefaultAuthenticationSelector();
        for (Server server : settings.getServers()) {
            selector.add(server.getId(), new AuthenticationBuilder().addUsername(server.getUsername())
                    .addPassword(server.getPassword()).addPrivateKey(server.getPrivateKey(), server.getPassphrase())
                    .build());
        }
        return selector;
    }
}
