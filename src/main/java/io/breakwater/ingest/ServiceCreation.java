package io.breakwater.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recognises system-service creation and enablement (MITRE T1543 / T1569) in process executions and file writes.
 * Shared by the runtime-sensor parsers so Falco and Tetragon agree on what counts.
 *
 * <p>{@code argv} is always the argument list <em>without</em> argv[0], as sensors report it (Falco
 * {@code proc.args}, Tetragon {@code arguments}, {@link io.breakwater.event.ProcessInfo#arguments}).
 */
public final class ServiceCreation {

    /** What a service-creating command does ({@code systemctl enable}) and to what (service name or unit path). */
    public record ServiceCommand(String action, String target) {}

    /** systemctl verbs that create, enable or (re)load services; status, show, cat, is-enabled... only read. */
    private static final Set<String> SYSTEMCTL_VERBS =
            Set.of("enable", "start", "restart", "daemon-reload", "link", "reenable", "preset");
    /** systemctl options that take their value as the next argument. */
    private static final Set<String> SYSTEMCTL_VALUE_OPTIONS = Set.of("-H", "--host", "-M", "--machine", "-t",
            "--type", "-p", "--property", "--root", "--state", "-o", "--output", "-n", "--lines", "-s", "--signal",
            "--job-mode", "--preset-mode");
    /** cp / mv / install / ln options that take their value as the next argument. */
    private static final Set<String> COPY_VALUE_OPTIONS = Set.of("-t", "--target-directory", "-m", "--mode", "-o",
            "--owner", "-g", "--group", "-S", "--suffix");

    private static final Pattern SYSTEM_UNIT_PATH = Pattern.compile("/(?:etc/systemd/(?:system|user)"
            + "|(?:usr/)?lib/systemd/(?:system|user)|usr/local/lib/systemd/system|run/systemd/(?:system|user)"
            + "|etc/init\\.d|etc/rc\\.d/init\\.d|Library/LaunchDaemons|Library/LaunchAgents"
            + "|System/Library/LaunchDaemons)/[^/].*|/etc/rc\\.local|/etc/rc\\.d/rc\\.local");
    private static final Pattern USER_UNIT_PATH = Pattern.compile("(?:~|/root|/var/root|/home/[^/]+|/Users/[^/]+)"
            + "/(?:\\.config/systemd/user|\\.local/share/systemd/user|Library/LaunchAgents)/[^/].*");

    private ServiceCreation() {}

    public static boolean isServiceCreatingCommand(String binaryOrName, String[] argv) {
        return inspect(binaryOrName, argv) != null;
    }

    /** The service name or unit path the command creates or enables, or null when it is not service-creating. */
    public static String describe(String binaryOrName, String[] argv) {
        ServiceCommand c = inspect(binaryOrName, argv);
        return c == null ? null : c.target();
    }

    /** The service-creating reading of a command, or null when the command does not create or enable a service. */
    public static ServiceCommand inspect(String binaryOrName, String[] argv) {
        String tool = Processes.basename(binaryOrName);
        if (tool == null) {
            return null;
        }
        List<String> args = argv == null ? List.of() : List.of(argv);
        switch (tool.toLowerCase(Locale.ROOT)) {
            case "systemctl":
                return systemctl(args);
            case "update-rc.d": {
                List<String> p = positionals(args, Set.of());
                return p.size() >= 2 && Set.of("defaults", "enable", "start").contains(p.get(1))
                        ? new ServiceCommand("update-rc.d " + p.get(1), p.get(0)) : null;
            }
            case "chkconfig": {
                int add = args.indexOf("--add");
                if (add >= 0 && add + 1 < args.size()) {
                    return new ServiceCommand("chkconfig --add", args.get(add + 1));
                }
                List<String> p = positionals(args, Set.of("--level"));
                return p.size() >= 2 && "on".equals(p.get(1)) ? new ServiceCommand("chkconfig on", p.get(0)) : null;
            }
            case "sc":
            case "sc.exe": {
                List<String> p = new ArrayList<>(args);
                p.removeIf(a -> a.startsWith("\\\\")); // optional \\server
                if (p.size() >= 2) {
                    String verb = p.get(0).toLowerCase(Locale.ROOT);
                    if (verb.equals("create") || verb.equals("config")) {
                        return new ServiceCommand("sc " + verb, p.get(1));
                    }
                }
                return null;
            }
            case "launchctl": {
                List<String> p = positionals(args, Set.of());
                return p.size() >= 2 && Set.of("load", "bootstrap", "enable").contains(p.get(0))
                        ? new ServiceCommand("launchctl " + p.get(0), p.get(p.size() - 1)) : null;
            }
            case "cp":
            case "mv":
            case "install":
            case "ln":
                return copyOntoUnit(tool, args);
            case "tee":
                return positionals(args, Set.of()).stream().filter(ServiceCreation::isUnitFilePath).findFirst()
                        .map(path -> new ServiceCommand("tee", normalisePath(path))).orElse(null);
            default:
                return null;
        }
    }

    /**
     * True for a path where a service definition lives: systemd unit directories (system, user, runtime), SysV
     * init scripts and rc.local, launchd daemons and agents. Paths without the leading '/' (Tetragon file
     * arguments) and with '.' / '..' segments are resolved first.
     */
    public static boolean isUnitFilePath(String path) {
        String p = normalisePath(path);
        return p != null && (SYSTEM_UNIT_PATH.matcher(p).matches() || USER_UNIT_PATH.matcher(p).matches());
    }

    private static ServiceCommand systemctl(List<String> args) {
        List<String> p = positionals(args, SYSTEMCTL_VALUE_OPTIONS);
        if (p.isEmpty() || !SYSTEMCTL_VERBS.contains(p.get(0))) {
            return null;
        }
        String verb = p.get(0);
        return new ServiceCommand("systemctl " + verb, p.size() > 1 ? p.get(1) : verb);
    }

    /** cp/mv/install/ln whose destination (last argument, or -t directory) is a unit file or a unit directory. */
    private static ServiceCommand copyOntoUnit(String tool, List<String> args) {
        String targetDirectory = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-t") || a.equals("--target-directory")) && i + 1 < args.size()) {
                targetDirectory = args.get(i + 1);
            } else if (a.startsWith("--target-directory=")) {
                targetDirectory = a.substring("--target-directory=".length());
            }
        }
        List<String> p = positionals(args, COPY_VALUE_OPTIONS);
        if (targetDirectory == null && p.size() < 2) {
            return null;
        }
        String source = p.isEmpty() ? null : p.get(targetDirectory == null ? p.size() - 2 : p.size() - 1);
        String destination = targetDirectory != null ? targetDirectory : p.get(p.size() - 1);
        String unit = isUnitFilePath(destination) ? normalisePath(destination)
                : isUnitDirectory(destination) && source != null
                        ? normalisePath(destination) + "/" + Processes.basename(source) : null;
        return unit == null ? null : new ServiceCommand(tool, unit);
    }

    private static boolean isUnitDirectory(String path) {
        String p = normalisePath(path);
        return p != null && isUnitFilePath(p + "/x");
    }

    /** Arguments that are not options nor option values ({@code --x=y} is one option). */
    private static List<String> positionals(List<String> args, Set<String> valueOptions) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("-") && a.length() > 1) {
                if (valueOptions.contains(a)) {
                    i++;
                }
            } else if (!a.isEmpty()) {
                out.add(a);
            }
        }
        return out;
    }

    /** Leading '/' added (unless home-relative), '.' and '..' resolved, trailing '/' dropped; null for blank. */
    static String normalisePath(String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        String p = path.trim();
        boolean home = p.startsWith("~/");
        Deque<String> parts = new ArrayDeque<>();
        for (String part : (home ? p.substring(2) : p).split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return (home ? "~/" : "/") + String.join("/", parts);
    }
}
