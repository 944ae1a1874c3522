package org.fbnet.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The repository's own files, for the tests that check the deployment files (conf/spark, docker, deploy) against it. */
final class RepositoryFiles {
    private RepositoryFiles() { }

    /** The clone's root: the first folder above the working directory whose pom.xml lists the jobs module. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path pom = p.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>jobs</module>")) return p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no parent pom.xml (listing the jobs module) above " + Path.of("").toAbsolutePath());
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A properties file of the repository, in file order. */
    static Map<String, String> properties(String relative) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file(relative))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    /** A {@code <properties>} value of a pom, e.g. the root pom's {@code java17.opens}. */
    static String pomProperty(String pom, String name) {
        Element props = child(pomDocument(pom).getDocumentElement(), "properties");
        Element e = props == null ? null : child(props, name);
        if (e == null) throw new IllegalStateException(pom + " has no <properties><" + name + ">");
        return e.getTextContent().trim();
    }

    /** The project's version (the root pom's own {@code <version>}). */
    static String version() {
        return child(pomDocument("pom.xml").getDocumentElement(), "version").getTextContent().trim();
    }

    /** The file name {@code mvn -Pdist package} gives the spark-submit jar: jobs' artifactId, version and shade classifier. */
    static String distJarName() {
        Document jobs = pomDocument("jobs/pom.xml");
        String artifact = child(jobs.getDocumentElement(), "artifactId").getTextContent().trim();
        String classifier = jobs.getElementsByTagName("shadedClassifierName").item(0).getTextContent().trim();
        return artifact + "-" + version() + "-" + classifier + ".jar";
    }

    private static Document pomDocument(String relative) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file(relative).toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse " + relative, e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element el && el.getTagName().equals(name)) return el;
        }
        return null;
    }
}
