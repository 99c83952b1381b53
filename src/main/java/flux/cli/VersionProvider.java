package flux.cli;

import picocli.CommandLine;

/** `flux --version`: flux, the bt library and the Java runtime. */
public class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String flux = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[]{
                "flux " + (flux == null ? "dev" : flux),
                "bt 1.10 (com.github.atomashpolskiy)",
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
