package dev.mote.sdk.image;

import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Provider;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Ed25519 keys as PEM files that OpenSSL reads and writes: the private key as PKCS#8
 * ("PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" with PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, as
 * {@code openssl pkey -aes256} writes), the public key as SubjectPublicKeyInfo ("PUBLIC KEY").
 * Errors about a file's content (wrong key type, wrong passphrase) are {@link MoteException}s
 * naming the file; unreadable files are IOExceptions.
 */
public final class Keys {
    /** PBKDF2 rounds for encrypted keys: slow enough to hinder guessing, ~0.2 s to open. */
    static final int PBKDF2_ITERATIONS = 200_000;
    private static final AlgorithmIdentifier ED25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
    private static final Map<String, String> KNOWN_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "an RSA", "1.2.840.10045.2.1", "an EC", "1.3.101.113", "an Ed448",
            "1.3.101.110", "an X25519", "1.3.101.111", "an X448");
    private static Provider bc;

    private Keys() {
    }

    /** A new random key pair. */
    public static SigningKey generate() {
        return SigningKey.generate();
    }

    /** PEM PKCS#8, encrypted with {@code passphrase} unless it is null. */
    public static String privatePem(SigningKey key, char[] passphrase) {
        try {
            PrivateKeyInfo info = new PrivateKeyInfo(ED25519, new DEROctetString(key.seed()));
            PemObject pem;
            if (passphrase == null) {
                pem = new PemObject("PRIVATE KEY", info.getEncoded());
            } else {
                if (passphrase.length == 0) {
                    throw new IllegalArgumentException("passphrase: must not be empty");
                }
                var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setProvider(provider()).setPRF(PKCS8Generator.PRF_HMACSHA256)
                        .setIterationCount(PBKDF2_ITERATIONS).setPassword(passphrase).build();
                pem = new PKCS8Generator(info, encryptor).generate();
            }
            return pemString(pem);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot encode an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** PEM SubjectPublicKeyInfo. */
    public static String publicPem(VerifyKey key) {
        try {
            return pemString(new PemObject("PUBLIC KEY", new SubjectPublicKeyInfo(ED25519, key.raw()).getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an Ed25519 public key", e);
        }
    }

    /** Writes a new private key file, readable only by its owner (0600); refuses to overwrite. */
    public static void writePrivate(Path file, SigningKey key, char[] passphrase) throws IOException {
        writeNew(file, privatePem(key, passphrase), "rw-------");
    }

    /** Writes a new public key file (0644); refuses to overwrite. */
    public static void writePublic(Path file, VerifyKey key) throws IOException {
        writeNew(file, publicPem(key), "rw-r--r--");
    }

    private static void writeNew(Path file, String text, String mode) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        if (Files.exists(abs)) {
            throw new FileAlreadyExistsException(file.toString(), null, "already exists");
        }
        try {
            Files.createFile(abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        } catch (UnsupportedOperationException e) {
            Files.createFile(abs);
        }
        Files.writeString(abs, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Reads a private key file; {@code passphrase} is needed (only) if it is encrypted. */
    public static SigningKey readPrivate(Path file, char[] passphrase) throws IOException {
        return parsePrivate(read(file), passphrase, file.toString());
    }

    /** Reads a public key file. */
    public static VerifyKey readPublic(Path file) throws IOException {
        return parsePublic(read(file), file.toString());
    }

    /** Parses a PEM private key; {@code source} names it in errors. */
    public static SigningKey parsePrivate(String pem, char[] passphrase, String source) throws IOException {
        Object o = parsePem(pem, source);
        PrivateKeyInfo info;
        if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
            if (passphrase == null) {
                throw new MoteException(source + " is encrypted and no passphrase was given",
                        "put the passphrase in an environment variable and pass --passphrase-env VAR");
            }
            try {
                info = enc.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                        .setProvider(provider()).build(passphrase));
            } catch (PKCSException | OperatorCreationException | RuntimeException e) {
                // A wrong passphrase usually fails the padding check; about 1 in 256 decrypts to
                // garbage that then fails to parse as ASN.1 (a RuntimeException in Bouncy Castle).
                throw new MoteException("cannot decrypt " + source + ": wrong passphrase (or an unsupported cipher)",
                        "check the variable named by --passphrase-env");
            }
        } else if (o instanceof PrivateKeyInfo plain) {
            info = plain;
        } else if (o instanceof SubjectPublicKeyInfo) {
            throw new MoteException(source + " is a public key, not a private key",
                    "signing needs the private key: the PREFIX.key file from 'mote keygen'");
        } else {
            throw new MoteException(source + " is not an Ed25519 private key (PEM "
                    + (o instanceof PEMKeyPair ? "traditional key pair" : o.getClass().getSimpleName()) + ")",
                    "create one with 'mote keygen --out PREFIX' or 'openssl genpkey -algorithm ed25519'");
        }
        requireEd25519(info.getPrivateKeyAlgorithm(), source);
        ASN1Encodable inner = info.parsePrivateKey();
        byte[] seed = ASN1OctetString.getInstance(inner).getOctets();
        if (seed.length != 32) {
            throw new MoteException(source + ": bad Ed25519 private key (" + seed.length + " bytes)", null);
        }
        return SigningKey.fromSeed(seed);
    }

    /** Parses a PEM public key; {@code source} names it in errors. */
    public static VerifyKey parsePublic(String pem, String source) throws IOException {
        Object o = parsePem(pem, source);
        if (!(o instanceof SubjectPublicKeyInfo info)) {
            throw new MoteException(source + " is not a public key"
                    + (o instanceof PrivateKeyInfo || o instanceof PKCS8EncryptedPrivateKeyInfo
                    ? " (it is a private key: never hand that out)" : ""),
                    "use the PREFIX.pub file from 'mote keygen', or: openssl pkey -in KEY -pubout -out KEY.pub");
        }
        requireEd25519(info.getAlgorithm(), source);
        byte[] raw = info.getPublicKeyData().getOctets();
        if (raw.length != 32) {
            throw new MoteException(source + ": bad Ed25519 public key (" + raw.length + " bytes)", null);
        }
        return new VerifyKey(raw);
    }

    private static void requireEd25519(AlgorithmIdentifier alg, String source) {
        if (!alg.getAlgorithm().equals(EdECObjectIdentifiers.id_Ed25519)) {
            String oid = alg.getAlgorithm().getId();
            throw new MoteException(source + " is " + KNOWN_ALGORITHMS.getOrDefault(oid, "an OID " + oid)
                    + " key, not Ed25519", "Mote images are signed with Ed25519: mote keygen --out PREFIX");
        }
    }

    private static Object parsePem(String pem, String source) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            if (o == null) {
                throw new MoteException(source + " holds no PEM key (no -----BEGIN ... KEY----- line)",
                        "create keys with 'mote keygen --out PREFIX'");
            }
            return o;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new MoteException(source + " is not a valid PEM key: " + e.getMessage(), null, e);
        }
    }

    private static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("key file '" + file + "' " + (Files.exists(file) ? "is not a file" : "does not exist"));
        }
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private static String pemString(PemObject pem) throws IOException {
        StringWriter s = new StringWriter();
        try (PemWriter w = new PemWriter(s)) {
            w.writeObject(pem);
        }
        return s.toString();
    }

    /** Bouncy Castle as a provider object, not registered globally (nothing else changes). */
    private static synchronized Provider provider() {
        if (bc == null) {
            bc = new BouncyCastleProvider();
        }
        return bc;
    }
}
