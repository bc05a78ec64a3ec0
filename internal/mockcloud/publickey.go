package mockcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// publicKey answers kms.getPublicKey for a key ARN or id: the key spec and usage of the program's
// signing key, and a public key that is a PEM "PUBLIC KEY" block of the right shape whose body
// is plainly not a key (MOCK followed by hex derived from the key), so that nothing in a plan
// looks like key material while a PEM reader still finds its block. The key's own
// registration is not consulted: the invoke names it only by ARN.
func (c *Cloud) publicKey(args resource.PropertyMap) resource.PropertyMap {
	keyID := ""
	if v, ok := args["keyId"]; ok && v.IsString() {
		keyID = v.StringValue()
	}
	id := keyID[strings.LastIndex(keyID, "/")+1:]
	body := "MOCKPUBLICKEY" + strings.ToUpper(hexOf("kms-public-key/"+id, 51))
	pem := fmt.Sprintf("-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", body)
	arn := keyID
	if !strings.HasPrefix(arn, "arn:") {
		arn = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", c.Region, AccountID, id)
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id":                    arn,
		"arn":                   arn,
		"keyId":                 keyID,
		"keyUsage":              "SIGN_VERIFY",
		"customerMasterKeySpec": "ECC_NIST_P256",
		"signingAlgorithms":     []any{"ECDSA_SHA_256"},
		"encryptionAlgorithms":  []any{},
		"publicKey":             body,
		"publicKeyPem":          pem,
	})
}
