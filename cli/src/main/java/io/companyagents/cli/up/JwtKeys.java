package io.companyagents.cli.up;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The internal JWT key pair: the gateway signs short-lived RS256 tokens with the private key, the
 * services verify them with the public key. PEM files in {@code <instance>/secrets/}: PKCS#8
 * {@code internal-jwt-private.pem} (0600) and X.509 SubjectPublicKeyInfo {@code internal-jwt-public.pem}.
 */
public final class JwtKeys {

    private JwtKeys() {
    }

    /** Generates the pair unless both files exist; returns true if it generated one. */
    public static boolean ensure(InstanceLayout layout) {
        Path priv = layout.jwtPrivateKey();
        Path pub = layout.jwtPublicKey();
        if (Files.isRegularFile(priv) && Files.isRegularFile(pub)) {
            return false;
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.createDirectories(layout.secrets());
            InstanceLayout.restrict(layout.secrets(), InstanceLayout.OWNER_ONLY_DIR);
            // public first: a crash in between leaves no private key without its public key
            writeAtomically(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()), false);
            writeAtomically(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
            return true;
        } catch (IOException | GeneralSecurityException e) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Cannot create the internal JWT key pair in "
                    + layout.secrets() + ": " + e.getMessage(), e);
        }
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path file, String content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            InstanceLayout.restrict(tmp, InstanceLayout.OWNER_ONLY_FILE);
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            if (!secret) {
                InstanceLayout.restrict(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads the private key (tests, tools). */
    public static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
    }

    /** Reads the public key (tests, tools). */
    public static PublicKey readPublicKey(Path pem) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
    }

    private static byte[] der(Path pem, String type) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String body = text.replace("-----BEGIN " + type + "-----", "").replace("-----END " + type + "-----", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
