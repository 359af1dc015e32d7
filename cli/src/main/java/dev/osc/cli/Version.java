package dev.osc.cli;

import picocli.CommandLine;

/** Prints the version from the jar's manifest. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"osc " + (v == null ? "dev" : v)};
    }
}
