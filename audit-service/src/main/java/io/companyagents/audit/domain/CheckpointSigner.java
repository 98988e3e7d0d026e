package io.companyagents.audit.domain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/**
 * Ed25519 signatures over chain heads. The signing key lives outside the database (the
 * instance's {@code secrets/audit-signing.key}, 0600, created on first start), like the
 * secrets master key, so whoever can rewrite the table cannot re-sign it.
 */
public final class CheckpointSigner {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private CheckpointSigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Loads the key pair from {@code file} (PKCS#8, then X.509, both base64 on one line each), creating it if absent. */
    public static CheckpointSigner fromFile(Path file) {
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            if (Files.exists(file)) {
                String[] lines = Files.readString(file).trim().split("\n");
                return new CheckpointSigner(
                        factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines[0].trim()))),
                        factory.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines[1].trim()))));
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n"
                    + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n");
            return new CheckpointSigner(pair.getPrivate(), pair.getPublic());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the audit signing key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the audit signing key " + file + " is not an Ed25519 key pair", e);
        }
    }

    /** What is signed: company, seq, hash and time, one canonical line. */
    public static String message(UUID companyId, long seq, String hash, OffsetDateTime signedAt) {
        return companyId + "|" + seq + "|" + hash + "|" + AuditChain.instant(signedAt);
    }

    public String sign(UUID companyId, long seq, String hash, OffsetDateTime signedAt) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message(companyId, seq, hash, signedAt).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String publicKey() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    /** Anyone holding the public key can check a checkpoint. */
    public static boolean verify(String publicKeyBase64, UUID companyId, long seq, String hash, OffsetDateTime signedAt,
                                 String signatureBase64) {
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeyBase64)));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message(companyId, seq, hash, signedAt).getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(signatureBase64));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
