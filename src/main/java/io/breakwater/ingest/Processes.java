package io.breakwater.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Process names and command lines as runtime sensors report them. */
final class Processes {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ash", "ksh", "mksh", "busybox");
    private static final Set<String> RUNTIMES = Set.of("runc", "crun", "conmon");

    private Processes() {}

    /** The last path element ('/' or '\'), or null. */
    static String basename(String path) {
        if (path == null) {
            return null;
        }
        int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return cut < 0 ? path : path.substring(cut + 1);
    }

    static boolean isShell(String binaryOrName) {
        String name = basename(binaryOrName);
        return name != null && SHELLS.contains(name);
    }

    /** runc, crun, conmon, containerd-shim*, docker-containerd-shim: the parent of a process exec'd into a container. */
    static boolean isContainerRuntime(String binaryOrName) {
        String name = basename(binaryOrName);
        return name != null && (RUNTIMES.contains(name) || name.startsWith("containerd-shim")
                || name.startsWith("docker-containerd-shim"));
    }

    /** Splits a command line on whitespace; double quotes group (and are removed), no other escapes. */
    static String[] splitArguments(String commandLine) {
        List<String> out = new ArrayList<>();
        if (commandLine == null) {
            return new String[0];
        }
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean inToken = false;
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inToken = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inToken) {
                    out.add(current.toString());
                    current.setLength(0);
                    inToken = false;
                }
            } else {
                current.append(c);
                inToken = true;
            }
        }
        if (inToken) {
            out.add(current.toString());
        }
        return out.toArray(new String[0]);
    }
}
