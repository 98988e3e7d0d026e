package io.companyagents.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/** The internal-token key pair for this test JVM: tests mint tokens the way the gateway does. */
public final class TestKeys {

    private static TestKeys instance;

    private final Path privateKey;
    private final Path publicKey;
    private byte[] publicDer;

    private TestKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path dir = Files.createTempDirectory("ca-test-keys");
            privateKey = dir.resolve("internal-jwt-private.pem");
            publicKey = dir.resolve("internal-jwt-public.pem");
            Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            publicDer = pair.getPublic().getEncoded();
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static synchronized TestKeys instance() {
        if (instance == null) {
            instance = new TestKeys();
        }
        return instance;
    }

    public byte[] publicKeyDer() {
        return publicDer.clone();
    }

    public Map<String, String> quarkusProperties() {
        return Map.of(
                // an instance directory of the test's own: key files never land in the user's home
                "company-agents.instance-dir", publicKey.getParent().resolve("instance").toString(),
                "mp.jwt.verify.publickey.location", publicKey.toString(),
                "smallrye.jwt.sign.key.location", privateKey.toString());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
