package computectl.spec;

/**
 * One JSON Web Key. Only what verification needs is kept: Ed25519 keys are {@code kty} OKP, {@code
 * crv} Ed25519 and the public key {@code x} (base64url).
 */
public record Jwk(String kid, String kty, String crv, String x, String alg) {}
