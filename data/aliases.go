package data

import "github.com/secure-vpc/secure-vpc/data/bucketpolicy"

// Transitional alias of bucketpolicy.DataBucketPolicy. Kept only so that platform (owned by another part
// of issue 10) compiles unchanged; the lead removes it at merge.
var DataBucketPolicy = bucketpolicy.DataBucketPolicy
