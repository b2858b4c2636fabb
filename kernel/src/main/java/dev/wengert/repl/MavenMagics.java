package dev.wengert.repl;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.maven.model.Model;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.RemoteRepository;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * {@code %maven} and {@code %%loadFromPOM}, as in IJava: Maven dependencies, with everything
 * they depend on at run time, added to the session's class path. Both resolve with Maven's own
 * resolver ({@link MavenResolver}) where {@link MavenSetup} says (Maven Central and the local
 * repository by default).
 */
final class MavenMagics {

    private MavenMagics() {
    }

    /** {@code %maven group:artifact:version ...}. */
    static final class MavenMagic implements Magic {
        @Override
        public String name() {
            return "maven";
        }

        @Override
        public String usage() {
            return "%maven <group:artifact:version>...     adds Maven artifacts and their dependencies to the class path";
        }

        @Override
        public void run(Cell.MagicCall call, MagicContext context) {
            List<String> coordinates = List.of(call.arguments().strip().split("\\s+"));
            if (call.arguments().isBlank()) {
                throw new IllegalArgumentException("name at least one artifact, e.g. %maven org.apache.commons:commons-lang3:3.14.0");
            }
            List<Dependency> dependencies = new ArrayList<>();
            for (String coordinate : coordinates) {
                try {
                    dependencies.add(new Dependency(new DefaultArtifact(coordinate), "compile"));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + coordinate + "' is not a Maven artifact: write "
                            + "group:artifact:version (or group:artifact:extension[:classifier]:version), "
                            + "e.g. org.apache.commons:commons-lang3:3.14.0", e);
                }
            }
            addResolved(MavenResolver.resolve(dependencies, List.of(), List.of(), MavenSetup.current(), context.out()),
                    context);
        }
    }

    /**
     * {@code %%loadFromPOM}: the rest of the cell is a POM, or a part of one: {@code <dependency>}
     * elements, {@code <dependencies>}, {@code <repositories>} (or single {@code <repository>}),
     * {@code <properties>} and {@code <dependencyManagement>} (BOM imports included).
     */
    static final class LoadFromPomMagic implements Magic {
        @Override
        public String name() {
            return "loadFromPOM";
        }

        @Override
        public String usage() {
            return "%%loadFromPOM                      the cell is a POM or its <dependencies>; adds them to the class path";
        }

        @Override
        public boolean takesBody() {
            return true;
        }

        @Override
        public void run(Cell.MagicCall call, MagicContext context) {
            if (call.body() == null || call.body().isBlank()) {
                throw new IllegalArgumentException("write the POM, or its <dependency> elements, in the cell below %%loadFromPOM");
            }
            Model model = readModel(call.body());
            Map<String, String> properties = properties(model);
            List<Dependency> dependencies = new ArrayList<>();
            for (org.apache.maven.model.Dependency d : model.getDependencies()) {
                if ("system".equals(d.getScope())) {
                    throw new IllegalArgumentException("system-scoped " + d.getGroupId() + ":" + d.getArtifactId()
                            + " is a local file: add it with %jars " + d.getSystemPath());
                }
                // what the cell names is what it wants to use, whatever scope a copied POM gave it
                dependencies.add(dependency(d, "compile", properties));
            }
            if (dependencies.isEmpty()) {
                throw new IllegalArgumentException("the POM names no dependencies: add <dependency> elements");
            }
            List<Dependency> managed = new ArrayList<>();
            if (model.getDependencyManagement() != null) {
                for (org.apache.maven.model.Dependency d : model.getDependencyManagement().getDependencies()) {
                    managed.add(dependency(d, d.getScope(), properties));
                }
            }
            List<RemoteRepository> repositories = new ArrayList<>();
            for (org.apache.maven.model.Repository r : model.getRepositories()) {
                repositories.add(new RemoteRepository.Builder(r.getId(), r.getLayout(),
                        interpolate(r.getUrl(), properties)).build());
            }
            addResolved(MavenResolver.resolve(dependencies, managed, repositories, MavenSetup.current(), context.out()),
                    context);
        }
    }

    /** Adds what was resolved to the class path and says what was added, one artifact a line. */
    static void addResolved(MavenResolver.Resolved resolved, MagicContext context) {
        Map<String, String> ownJars = ownJars();
        for (int i = 0; i < resolved.files().size(); i++) {
            Path file = resolved.files().get(i);
            String name = file.getFileName().toString();
            String coordinates = resolved.coordinates().get(i);
            if (ownJars.containsKey(name)) {
                context.out().println(coordinates + ": already on the class path (Wengert ships it)");
                continue;
            }
            context.addToClasspath(file);
            String artifactId = coordinates.split(":")[1];
            String shipped = ownJars.keySet().stream().filter(jar -> jar.startsWith(artifactId + "-")
                    && jar.length() > artifactId.length() + 1 && Character.isDigit(jar.charAt(artifactId.length() + 1)))
                    .findFirst().orElse(null);
            if (shipped != null) {
                context.out().println(coordinates + ": added, but Wengert ships " + shipped
                        + ", whose classes are found first");
            } else {
                context.out().println(coordinates + ": added to the class path");
            }
        }
    }

    /** The jars of the JVM's own class path (the kernel's lib/), by file name. */
    private static Map<String, String> ownJars() {
        Map<String, String> jars = new HashMap<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jars.put(Path.of(entry).getFileName().toString(), entry);
            }
        }
        return jars;
    }

    private static Dependency dependency(org.apache.maven.model.Dependency d, String scope, Map<String, String> properties) {
        String type = d.getType() == null ? "jar" : interpolate(d.getType(), properties);
        String classifier = d.getClassifier() == null ? "" : interpolate(d.getClassifier(), properties);
        String extension = type;
        if (type.equals("test-jar")) {
            extension = "jar";
            classifier = classifier.isEmpty() ? "tests" : classifier;
        } else if (type.equals("bundle") || type.equals("maven-plugin") || type.equals("ejb")) {
            extension = "jar";
        }
        String version = d.getVersion() == null ? null : interpolate(d.getVersion(), properties);
        String groupId = interpolate(d.getGroupId(), properties);
        String artifactId = interpolate(d.getArtifactId(), properties);
        if (groupId == null || artifactId == null) {
            throw new IllegalArgumentException("a <dependency> needs a <groupId> and an <artifactId>");
        }
        List<Exclusion> exclusions = new ArrayList<>();
        d.getExclusions().forEach(x -> exclusions.add(new Exclusion(x.getGroupId(), x.getArtifactId(), "*", "*")));
        return new Dependency(new DefaultArtifact(groupId, artifactId, classifier, extension, version),
                scope == null ? "compile" : scope, d.isOptional(), exclusions);
    }

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    /** {@code ${name}} from the POM's properties (and {@code project.version} and friends); others stay. */
    private static String interpolate(String text, Map<String, String> properties) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (int depth = 0; depth < 10 && result.contains("${"); depth++) {
            Matcher m = PROPERTY.matcher(result);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(properties.getOrDefault(m.group(1), m.group())));
            }
            m.appendTail(out);
            if (out.toString().equals(result)) {
                break;
            }
            result = out.toString();
        }
        return result;
    }

    private static Map<String, String> properties(Model model) {
        Map<String, String> properties = new LinkedHashMap<>();
        Properties own = model.getProperties();
        own.stringPropertyNames().forEach(name -> properties.put(name, own.getProperty(name)));
        put(properties, "project.groupId", model.getGroupId());
        put(properties, "project.artifactId", model.getArtifactId());
        put(properties, "project.version", model.getVersion());
        return properties;
    }

    private static void put(Map<String, String> properties, String name, String value) {
        if (value != null) {
            properties.put(name, value);
        }
    }

    /** A whole POM, or parts of one placed in a POM of their own. */
    static Model readModel(String body) {
        String xml = body.strip();
        if (xml.startsWith("<?xml")) {
            xml = xml.substring(xml.indexOf("?>") + 2).strip();
        }
        if (!xml.startsWith("<project")) {
            xml = "<project><modelVersion>4.0.0</modelVersion><groupId>notebook</groupId>"
                    + "<artifactId>notebook</artifactId><version>0</version>" + arrange(xml) + "</project>";
        }
        try {
            return new MavenXpp3Reader().read(new StringReader(xml), false);
        } catch (IOException | XmlPullParserException e) {
            throw new IllegalArgumentException("the cell is not a POM: " + e.getMessage(), e);
        }
    }

    /** Loose {@code <dependency>} and {@code <repository>} elements gathered into their lists. */
    private static String arrange(String fragment) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            document = factory.newDocumentBuilder().parse(new InputSource(new StringReader("<x>" + fragment + "</x>")));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("the cell is not XML: " + e.getMessage()
                    + " (write <dependency> elements, <dependencies>, or a whole POM)", e);
        }
        StringBuilder dependencies = new StringBuilder();
        StringBuilder repositories = new StringBuilder();
        StringBuilder rest = new StringBuilder();
        for (Node node = document.getDocumentElement().getFirstChild(); node != null; node = node.getNextSibling()) {
            if (!(node instanceof Element)) {
                continue;
            }
            String name = ((Element) node).getTagName();
            StringBuilder target = name.equals("dependency") ? dependencies : name.equals("repository") ? repositories : rest;
            target.append(xml(node));
        }
        StringBuilder arranged = new StringBuilder(rest);
        if (dependencies.length() > 0) {
            arranged.append("<dependencies>").append(dependencies).append("</dependencies>");
        }
        if (repositories.length() > 0) {
            arranged.append("<repositories>").append(repositories).append("</repositories>");
        }
        return arranged.toString();
    }

    private static String xml(Node node) {
        try {
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(node), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write back the element " + node.getNodeName(), e);
        }
    }
}
