package computectl.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a PEM private key belongs to a PEM certificate before either is handed to Postgres
 * (behaviour.md 12.9), so a renewal caught half-way is not installed. As upstream, only ECDSA P-256
 * certificates signed with SHA-256 are supported; the key may be SEC1 ({@code EC PRIVATE KEY},
 * upstream's only form) or unencrypted PKCS#8 ({@code PRIVATE KEY}). A key type we do not support
 * is a permanent error, not something to wait out.
 */
final class KeyCertCheck {
  static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };
  private static final byte[] P256_OID = {
    0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07
  };
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final ECParameterSpec P256 = p256();

  private KeyCertCheck() {}

  static void verify(String keyPem, String certPem) {
    X509Certificate cert = certificate(certPem);
    if (!ECDSA_WITH_SHA256.equals(cert.getSigAlgOID())) {
      throw new TlsException(
          "unknown TLS key type: the certificate is signed with "
              + cert.getSigAlgName()
              + "; only ECDSA P-256 with SHA-256 is supported",
          false);
    }
    PublicKey publicKey = cert.getPublicKey();
    if (!(publicKey instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
      throw new TlsException(
          "unknown TLS key type: the certificate's key is not an ECDSA P-256 key", false);
    }
    if (!signsFor(privateKey(keyPem), publicKey)) {
      throw new TlsException("private key file does not match certificate", true);
    }
  }

  private static X509Certificate certificate(String pem) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      return (X509Certificate)
          cf.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new TlsException("decode cert: " + e.getMessage(), true, e);
    }
  }

  private static PrivateKey privateKey(String pem) {
    Matcher m = PEM_BLOCK.matcher(pem);
    while (m.find()) {
      String label = m.group(1);
      if (!label.endsWith("PRIVATE KEY")) {
        continue; // e.g. the EC PARAMETERS block openssl writes first
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new TlsException("parse key: bad base64 in the " + label + " block", true, e);
      }
      switch (label) {
        case "EC PRIVATE KEY":
          return ecKey(pkcs8FromSec1(der));
        case "PRIVATE KEY":
          return ecKey(checkedPkcs8(der));
        case "ENCRYPTED PRIVATE KEY":
          throw new TlsException(
              "unknown TLS key type: encrypted private keys are not supported", false);
        default:
          throw new TlsException(
              "unknown TLS key type: " + label + " (only ECDSA P-256 keys are supported)", false);
      }
    }
    throw new TlsException("parse key: no PEM private key found", true);
  }

  /**
   * SEC1 {@code ECPrivateKey} wrapped as PKCS#8 for the JDK; a curve other than P-256 is refused.
   */
  private static byte[] pkcs8FromSec1(byte[] sec1) {
    try {
      Der.Element seq = Der.read(sec1, 0);
      byte[] body = seq.content();
      Der.Element version = Der.read(body, 0);
      Der.Element secret = Der.read(body, version.end());
      if (seq.tag() != Der.SEQUENCE
          || version.tag() != Der.INTEGER
          || secret.tag() != Der.OCTET_STRING) {
        throw new IllegalArgumentException("not an ECPrivateKey structure");
      }
      if (secret.end() < body.length) {
        Der.Element next = Der.read(body, secret.end());
        if (next.tag() == 0xa0 && !Arrays.equals(Der.read(next.content(), 0).content(), P256_OID)) {
          throw new TlsException(
              "unknown TLS key type: the private key is not on curve P-256", false);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new TlsException("parse key: " + e.getMessage(), true, e);
    }
    byte[] algorithm =
        Der.encode(
            Der.SEQUENCE, Der.encode(Der.OID, EC_PUBLIC_KEY_OID), Der.encode(Der.OID, P256_OID));
    return Der.encode(
        Der.SEQUENCE,
        Der.encode(Der.INTEGER, new byte[] {0}),
        algorithm,
        Der.encode(Der.OCTET_STRING, sec1));
  }

  /** A PKCS#8 key whose algorithm is EC; anything else (RSA, Ed25519) is refused. */
  private static byte[] checkedPkcs8(byte[] der) {
    try {
      byte[] body = Der.read(der, 0).content();
      Der.Element version = Der.read(body, 0);
      Der.Element algorithm = Der.read(body, version.end());
      Der.Element oid = Der.read(algorithm.content(), 0);
      if (!Arrays.equals(oid.content(), EC_PUBLIC_KEY_OID)) {
        throw new TlsException("unknown TLS key type: the private key is not an ECDSA key", false);
      }
      return der;
    } catch (IllegalArgumentException e) {
      throw new TlsException("parse key: " + e.getMessage(), true, e);
    }
  }

  private static ECPrivateKey ecKey(byte[] pkcs8) {
    ECPrivateKey key;
    try {
      key =
          (ECPrivateKey)
              KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new TlsException("parse key: " + e.getMessage(), true, e);
    }
    if (!isP256(key.getParams())) {
      throw new TlsException("unknown TLS key type: the private key is not on curve P-256", false);
    }
    return key;
  }

  /**
   * Whether {@code key} makes signatures that {@code certKey} accepts: the two halves of one key
   * pair.
   */
  private static boolean signsFor(PrivateKey key, PublicKey certKey) {
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(certKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new TlsException(
          "cannot check the private key against the certificate: " + e.getMessage(), true, e);
    }
  }

  private static boolean isP256(ECParameterSpec p) {
    return p != null
        && p.getOrder().equals(P256.getOrder())
        && p.getCurve().equals(P256.getCurve())
        && p.getGenerator().equals(P256.getGenerator());
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no secp256r1 curve", e);
    }
  }
}
