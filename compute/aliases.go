package compute

import "github.com/secure-vpc/secure-vpc/compute/rolepolicy"

// Aliases kept only so that platform (owned by another part of issue 10) compiles unchanged while
// the role policies move to rolepolicy; the lead removes them at merge by pointing platform at
// rolepolicy.

// Transitional alias of rolepolicy.BucketGrant and rolepolicy.DatabaseGrant.
type (
	BucketGrant   = rolepolicy.BucketGrant
	DatabaseGrant = rolepolicy.DatabaseGrant
)

// Transitional alias of the rolepolicy functions of the same names.
var (
	ExecutionPolicy = rolepolicy.ExecutionPolicy
	TaskPolicy      = rolepolicy.TaskPolicy
)
