package io.companyagents.secrets.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.util.SecretBytes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The {@code local} KEK: a Tink AEAD keyset of AES-256-GCM keys whose key ids are the KEK
 * version numbers (1, 2, 3, ...); the keyset's primary is the version new data keys are
 * wrapped with, and every key in it still unwraps what it wrapped.
 * <p>
 * It comes from {@code COMPANY_AGENTS_MASTER_KEY} (base64 of either 32 raw key bytes, taken as
 * version 1, or of a Tink keyset in binary or JSON form; read-only, so rotation is refused), or
 * from the key file (a cleartext Tink JSON keyset, mode 0600), which {@link #create} writes on
 * first start and {@link #rotate} rewrites atomically with the new version added.
 */
public final class LocalKeyEncryptionKey implements KeyEncryptionKey {

    public static final String PROVIDER = "local";
    public static final String ENV = "COMPANY_AGENTS_MASTER_KEY";

    private static final Logger LOG = Logger.getLogger(LocalKeyEncryptionKey.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Path file;
    private final String source;
    private final Object writeLock = new Object();
    private volatile State state;

    private record State(KeysetHandle keyset, Aead aead, int primary, SortedSet<Integer> versions) {
    }

    private LocalKeyEncryptionKey(Path file, String source, KeysetHandle keyset) {
        this.file = file;
        this.source = source;
        this.state = stateOf(keyset);
    }

    /** The KEK from the environment value if set, else from the key file if it exists, else empty. */
    public static Optional<LocalKeyEncryptionKey> open(Optional<String> envValue, Path file) {
        if (envValue.isPresent() && !envValue.get().isBlank()) {
            return Optional.of(fromEnvironment(envValue.get()));
        }
        if (Files.exists(file)) {
            return Optional.of(fromFile(file));
        }
        return Optional.empty();
    }

    /** Writes a new key file (mode 0600) holding one key, {@code version}, and answers it. */
    public static LocalKeyEncryptionKey create(Path file, int version) {
        try {
            KeysetHandle keyset = KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withFixedId(version).makePrimary())
                    .build();
            write(file, keyset);
            return new LocalKeyEncryptionKey(file, "key file " + file, keyset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not generate a key-encryption key: " + e.getClass().getSimpleName());
        }
    }

    static LocalKeyEncryptionKey fromFile(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KeyUnavailableException("cannot read key file " + file + ": " + e.getClass().getSimpleName());
        }
        warnIfOthersCanRead(file);
        try {
            return new LocalKeyEncryptionKey(file, "key file " + file,
                    TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyUnavailableException("key file " + file + " is not a Tink JSON keyset");
        }
    }

    static LocalKeyEncryptionKey fromEnvironment(String value) {
        byte[] decoded;
        try {
            String compact = value.replaceAll("\\s", "");
            decoded = compact.contains("-") || compact.contains("_")
                    ? Base64.getUrlDecoder().decode(compact) : Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw new KeyUnavailableException(ENV + " is not base64");
        }
        try {
            return new LocalKeyEncryptionKey(null, ENV, keysetOf(decoded));
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }

    private static KeysetHandle keysetOf(byte[] decoded) {
        if (decoded.length == 32) {
            try {
                AesGcmParameters parameters = AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12)
                        .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.TINK).build();
                AesGcmKey key = AesGcmKey.builder().setParameters(parameters)
                        .setKeyBytes(SecretBytes.copyFrom(decoded, InsecureSecretKeyAccess.get()))
                        .setIdRequirement(1).build();
                return KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(key).makePrimary()).build();
            } catch (GeneralSecurityException e) {
                throw new KeyUnavailableException(ENV + " could not be used as an AES-256 key");
            }
        }
        try {
            return TinkProtoKeysetFormat.parseKeyset(decoded, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException notBinary) {
            try {
                return TinkJsonProtoKeysetFormat.parseKeyset(new String(decoded, StandardCharsets.UTF_8),
                        InsecureSecretKeyAccess.get());
            } catch (GeneralSecurityException | RuntimeException notJson) {
                throw new KeyUnavailableException(ENV + " holds neither 32 raw key bytes nor a Tink keyset (base64)");
            }
        }
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public SortedSet<Integer> versions() {
        return state.versions();
    }

    @Override
    public Wrapping primary() {
        State s = state;
        return new Wrapping(s.primary(), s.aead());
    }

    @Override
    public Aead unwrapping() {
        return state.aead();
    }

    @Override
    public void usePrimary(int version) {
        synchronized (writeLock) {
            State s = state;
            if (s.primary() == version) {
                return;
            }
            if (!s.versions().contains(version)) {
                throw new KeyUnavailableException("KEK version " + version + " is not in " + source);
            }
            try {
                KeysetHandle.Builder builder = KeysetHandle.newBuilder(s.keyset());
                for (int i = 0; i < s.keyset().size(); i++) {
                    if (s.keyset().getAt(i).getId() == version) {
                        builder.getAt(i).makePrimary();
                    }
                }
                KeysetHandle keyset = builder.build();
                if (file != null) {
                    write(file, keyset);
                }
                state = stateOf(keyset);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not switch the primary KEK version: " + e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public boolean rotatable() {
        return file != null;
    }

    @Override
    public int rotate(int atLeast) {
        if (file == null) {
            throw new IllegalStateException("the KEK comes from " + ENV + " and cannot be rotated from here");
        }
        synchronized (writeLock) {
            State s = state;
            int next = Math.max(Math.addExact(s.versions().last(), 1), atLeast);
            try {
                KeysetHandle keyset = KeysetHandle.newBuilder(s.keyset())
                        .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                                .withFixedId(next).makePrimary())
                        .build();
                write(file, keyset);
                state = stateOf(keyset);
                return next;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not add a KEK version: " + e.getClass().getSimpleName());
            }
        }
    }

    private static State stateOf(KeysetHandle keyset) {
        SortedSet<Integer> versions = new TreeSet<>();
        for (int i = 0; i < keyset.size(); i++) {
            versions.add(keyset.getAt(i).getId());
        }
        try {
            return new State(keyset, keyset.getPrimitive(RegistryConfiguration.get(), Aead.class),
                    keyset.getPrimary().getId(), Collections.unmodifiableSortedSet(versions));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyUnavailableException("the KEK keyset holds no usable AEAD key: " + e.getClass().getSimpleName());
        }
    }

    /** Replaces the key file atomically; the new content never exists with wider permissions than 0600. */
    private static void write(Path file, KeysetHandle keyset) throws GeneralSecurityException {
        byte[] json = TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get())
                .getBytes(StandardCharsets.UTF_8);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temp = dir.resolve(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                } else {
                    Files.createDirectories(dir);
                }
            }
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                    : new FileAttribute<?>[0];
            try (FileChannel channel = FileChannel.open(temp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
                channel.write(ByteBuffer.wrap(json));
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temp file is unreadable to others either way
            }
            throw new IllegalStateException("could not write key file " + target + ": " + e.getClass().getSimpleName()
                    + " " + e.getMessage());
        } finally {
            Arrays.fill(json, (byte) 0);
        }
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    && !OWNER_ONLY_FILE.containsAll(Files.getPosixFilePermissions(file))) {
                LOG.warnf("key file %s is accessible to others than its owner; it should be mode 0600", file);
            }
        } catch (IOException e) {
            LOG.debugf("cannot read the permissions of %s: %s", file, e.getMessage());
        }
    }
}
