package secrets

import "github.com/secure-vpc/secure-vpc/secrets/resourcepolicy"

// Transitional alias of resourcepolicy.ReadersPolicy. Kept only so that platform (owned by another part
// of issue 10) compiles unchanged; the lead removes it at merge.
var ReadersPolicy = resourcepolicy.ReadersPolicy
