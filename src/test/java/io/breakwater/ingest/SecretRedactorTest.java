package io.breakwater.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretRedactorTest {
    private static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXBhcnQ";

    @Test
    void secretMembersAreRedactedKeepingJsonValid() throws Exception {
        String text = "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\",\"note\":\"}\"},"
                + "\"stringData\":\"plain-secret\",\"Token\":12345,\"metadata\":{\"name\":\"db\"}}";
        String out = SecretRedactor.redact(text);
        assertFalse(out.contains("aHVudGVyMg=="));
        assertFalse(out.contains("plain-secret"));
        assertFalse(out.contains("12345"));
        assertTrue(out.contains("\"name\":\"db\""));
        EventAssertions.MAPPER.readTree(out); // still parses
    }

    @Test
    void jsonInsideAJsonStringIsRedactedToo() {
        String aks = "{\"properties\":{\"log\":\"{\\\"responseObject\\\":{\\\"data\\\":{\\\"k\\\":\\\"c2VjcmV0\\\"}},"
                + "\\\"client-key-data\\\":\\\"LS0tLS1CRUdJTg==\\\",\\\"verb\\\":\\\"get\\\"}\"}}";
        String out = SecretRedactor.redact(aks);
        assertFalse(out.contains("c2VjcmV0"));
        assertFalse(out.contains("LS0tLS1CRUdJTg=="));
        assertTrue(out.contains("verb"));
    }

    @Test
    void credentialsInPodSpecsAnnotationsAndArgvArraysAreRedacted() {
        String pod = "{\"metadata\":{\"annotations\":{\"vault.hashicorp.com/token\":\"hvs.CAESIvault\"}},"
                + "\"spec\":{\"containers\":[{\"command\":[\"app\",\"--db-pass\",\"Pa55word!\"],"
                + "\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"envS3cret\"},"
                + "{\"name\":\"AWS_SECRET_ACCESS_KEY\",\"value\":\"wJalrXUtnFEMI\"},{\"name\":\"LOG\",\"value\":\"debug\"}]}]},"
                + "\"binaryData\":{\"k\":\"YmluYXJ5\"}}";
        String out = SecretRedactor.redact(pod);
        for (String secret : new String[] {"hvs.CAESIvault", "Pa55word!", "envS3cret", "wJalrXUtnFEMI", "YmluYXJ5"}) {
            assertFalse(out.contains(secret), secret + " in " + out);
        }
        assertTrue(out.contains("\"debug\""), "ordinary env values stay: " + out);
        assertTrue(out.contains("\"--db-pass\""), out);
    }

    @Test
    void passwordsGivenToCommonToolsAreRedactedInCommandLines() {
        String script = "sh -c mysql -uroot -pHUNTERPW1 -h db; curl -fsS -u admin:HUNTERPW2 https://x/; "
                + "sshpass -p HUNTERPW6 ssh root@10.0.0.5";
        String out = SecretRedactor.redactArgument(script);
        for (String secret : new String[] {"HUNTERPW1", "HUNTERPW2", "HUNTERPW6"}) {
            assertFalse(out.contains(secret), secret + " in " + out);
        }
        assertTrue(out.contains("-uroot") && out.contains("-u admin:"), "only the secret goes: " + out);
        assertEquals("mysql -u root -p -h db", SecretRedactor.redactArgument("mysql -u root -p -h db"),
                "a bare -p (prompt) has no secret");
    }

    @Test
    void truncatedAndInvalidTextIsRedacted() {
        assertFalse(SecretRedactor.redact("{\"token\":\"abcdef-cut-off").contains("abcdef"));
        assertFalse(SecretRedactor.redact("{\"data\":{\"a\":\"s3cr3t\",").contains("s3cr3t"));
        assertFalse(SecretRedactor.redact("garbage \"passwd\": hunter2, more").contains("hunter2"));
    }

    @Test
    void bearerTokensJwtsAndPrivateKeysAnywhere() {
        String text = "curl -H 'Authorization: Bearer abcdefghijkl0123' x " + JWT
                + " -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- Bearer zyxwvu98765";
        String out = SecretRedactor.redact(text);
        assertFalse(out.contains("abcdefghijkl0123"));
        assertFalse(out.contains("eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ"));
        assertFalse(out.contains("MIIEow"));
        assertFalse(out.contains("zyxwvu98765"));
    }

    @Test
    void arguments() {
        assertEquals("--token=[REDACTED]", SecretRedactor.redactArgument("--token=abc.def"));
        assertEquals("--db-password=[REDACTED]", SecretRedactor.redactArgument("--db-password=pw"));
        assertEquals("AWS_SECRET_ACCESS_KEY=[REDACTED]", SecretRedactor.redactArgument("AWS_SECRET_ACCESS_KEY=xyz"));
        assertEquals("[REDACTED]", SecretRedactor.redactArgument(JWT));
        assertEquals("https://bob:[REDACTED]@git.example/r", SecretRedactor.redactArgument("https://bob:pw@git.example/r"));
        assertEquals("--namespace=kube-system", SecretRedactor.redactArgument("--namespace=kube-system"));
        assertArrayEquals(new String[] {"login", "--password", "[REDACTED]", "-u", "bob"},
                SecretRedactor.redactArguments(new String[] {"login", "--password", "hunter2", "-u", "bob"}));
    }
}
