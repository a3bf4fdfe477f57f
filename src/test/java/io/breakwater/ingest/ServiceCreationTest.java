package io.breakwater.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ServiceCreationTest {

    private static String[] argv(String args) {
        return Processes.splitArguments(args);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/usr/bin/systemctl | enable --now miner.service         | miner.service",
        "systemctl          | --now enable miner                 | miner",
        "systemctl          | --user start agent.service         | agent.service",
        "/bin/systemctl     | daemon-reload                      | daemon-reload",
        "systemctl          | -H host1 restart sshd              | sshd",
        "systemctl          | link /opt/x/x.service              | /opt/x/x.service",
        "systemctl          | reenable x                         | x",
        "systemctl          | preset x                           | x",
        "update-rc.d        | kworker defaults                   | kworker",
        "update-rc.d        | -f kworker enable                  | kworker",
        "chkconfig          | kworker on                         | kworker",
        "chkconfig          | --level 35 kworker on              | kworker",
        "chkconfig          | --add kworker                      | kworker",
        "sc.exe             | create evilsvc binPath= C:\\x.exe  | evilsvc",
        "sc                 | \\\\dc01 config evilsvc start= auto | evilsvc",
        "launchctl          | load -w /Library/LaunchDaemons/com.x.plist | /Library/LaunchDaemons/com.x.plist",
        "cp                 | /tmp/x.service /etc/systemd/system/x.service | /etc/systemd/system/x.service",
        "mv                 | -f /tmp/x /usr/lib/systemd/system/          | /usr/lib/systemd/system/x",
        "install            | -m 644 /tmp/x.service /lib/systemd/system/x.service | /lib/systemd/system/x.service",
        "ln                 | -s /tmp/x.service /etc/systemd/system/multi-user.target.wants/x.service | /etc/systemd/system/multi-user.target.wants/x.service",
        "cp                 | -t /etc/init.d /tmp/kworker         | /etc/init.d/kworker",
        "tee                | -a /etc/rc.local                   | /etc/rc.local",
    })
    void serviceCreatingCommands(String binary, String args, String target) {
        assertTrue(ServiceCreation.isServiceCreatingCommand(binary, argv(args)), binary + " " + args);
        assertEquals(target, ServiceCreation.describe(binary, argv(args)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "systemctl   | status miner.service",
        "systemctl   | show miner",
        "systemctl   | list-units --type service",
        "systemctl   | cat miner.service",
        "systemctl   | is-enabled miner",
        "systemctl   | is-active miner",
        "systemctl   | --type enable list-units",
        "service     | miner start",
        "update-rc.d | kworker remove",
        "chkconfig   | --list",
        "sc          | query evilsvc",
        "launchctl   | list",
        "cp          | /etc/systemd/system/x.service /tmp/backup",
        "tee         | /tmp/out",
        "cat         | /etc/systemd/system/x.service",
    })
    void otherCommandsDoNot(String binary, String args) {
        assertFalse(ServiceCreation.isServiceCreatingCommand(binary, argv(args)), binary + " " + args);
        assertNull(ServiceCreation.describe(binary, argv(args)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/systemd/system/x.service", "etc/systemd/system/x.service",
        "/lib/systemd/system/x.service", "/usr/lib/systemd/system/x.timer", "/run/systemd/system/x.service",
        "~/.config/systemd/user/x.service", "/home/bob/.config/systemd/user/x.service", "/etc/init.d/kworker",
        "/etc/rc.local", "/Library/LaunchDaemons/com.x.plist", "/Library/LaunchAgents/com.x.plist",
        "/Users/bob/Library/LaunchAgents/com.x.plist", "/tmp/../etc/systemd/system/x.service"})
    void unitFilePaths(String path) {
        assertTrue(ServiceCreation.isUnitFilePath(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/systemd/system", "/etc/systemd/system.conf", "/etc/systemd/journald.conf",
        "/tmp/x.service", "/etc/rc.local.bak", "/etc/systemd/system/../../../tmp/x", "", "   "})
    void notUnitFilePaths(String path) {
        assertFalse(ServiceCreation.isUnitFilePath(path), path);
    }

    @Test
    void nullsAreTolerated() {
        assertFalse(ServiceCreation.isUnitFilePath(null));
        assertFalse(ServiceCreation.isServiceCreatingCommand(null, null));
        assertFalse(ServiceCreation.isServiceCreatingCommand("systemctl", null));
    }
}
