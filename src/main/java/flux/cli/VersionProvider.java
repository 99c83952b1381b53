package flux.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** `flux --version`: flux, the bt library and the Java runtime. */
public class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{
                "flux " + fluxVersion(),
                "bt 1.10 (com.github.atomashpolskiy)",
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }

    /** The project version, from the jar's manifest or (run from classes) the Maven-filtered flux/version.properties. */
    static String fluxVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        try (InputStream in = VersionProvider.class.getResourceAsStream("/flux/version.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                version = properties.getProperty("version");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return version == null || version.startsWith("${") ? "dev" : version;
    }
}
