// Package naming holds the AWS names derived from the names users write in stack config, and
// the AWS limits they must respect. The config loader checks every derived name against its limit
// before anything is registered; components use the same functions to name what they create, so
// the check and the names cannot drift apart.
package naming

import (
	"fmt"
	"regexp"
	"strings"
)

// AutonameSuffix is what Pulumi appends to a logical name to make a physical one:
// "-" and 7 random hex characters.
const AutonameSuffix = 8

// RDSAutonameSuffix is what pulumi-aws v6 appends to an RDS instance identifier: 7 hex
// characters with no separator.
const RDSAutonameSuffix = 7

// Label is the shape of every name a user writes: a lowercase DNS label without "--", so that it
// is valid in RDS identifiers, S3 buckets, Cloud Map service names and ALB names alike.
var Label = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)

// Kind is what a configured name names.
type Kind string

// The kinds of configured names.
const (
	Service  Kind = "service"
	Database Kind = "database"
	Bucket   Kind = "bucket"
	Cache    Kind = "cache"
	Secret   Kind = "secret"
)

// Derived is one AWS name derived from a configured name.
type Derived struct {
	What    string // what AWS calls it, for error messages
	Logical string // the Pulumi logical name (or explicit physical name)
	Suffix  int    // characters Pulumi adds to it when it autonames
	Max     int    // the AWS limit on the physical name
}

// Physical is the length of the physical name AWS will see.
func (d Derived) Physical() int { return len(d.Logical) + d.Suffix }

// Logical names of the resources derived from a service.
func LoadBalancer(service string) string { return service + "-alb" }

// TargetGroup is the logical name of a BFF's target group.
func TargetGroup(service string) string { return service + "-tg" }

// TaskRole is the logical name of a service's task role.
func TaskRole(service string) string { return service + "-task-role" }

// ExecutionRole is the logical name of a service's execution role.
func ExecutionRole(service string) string { return service + "-exec-role" }

// WebACL is the logical name of a BFF's WAF web ACL.
func WebACL(service string) string { return service + "-waf" }

// DBInstance is the logical name of a database instance.
func DBInstance(database string) string { return database }

// CacheGroup is the logical name of a cache replication group.
func CacheGroup(cache string) string { return cache }

// BucketName is the logical name of a bucket.
func BucketName(bucket string) string { return bucket }

// SecretName is the explicit Secrets Manager name of an app secret.
func SecretName(project, stack, secret string) string {
	return fmt.Sprintf("%s/%s/app/%s", project, stack, secret)
}

// DerivedNames lists every AWS name derived from a configured name of the given kind.
func DerivedNames(kind Kind, name string) []Derived {
	switch kind {
	case Service:
		return []Derived{
			{"load balancer name", LoadBalancer(name), AutonameSuffix, 32},
			{"target group name", TargetGroup(name), AutonameSuffix, 32},
			{"IAM task role name", TaskRole(name), AutonameSuffix, 64},
			{"IAM execution role name", ExecutionRole(name), AutonameSuffix, 64},
			{"Cloud Map service name (a DNS label)", name, 0, 63},
		}
	case Database:
		return []Derived{{"RDS instance identifier", DBInstance(name), RDSAutonameSuffix, 63}}
	case Cache:
		return []Derived{{"ElastiCache replication group id", CacheGroup(name), AutonameSuffix, 40}}
	case Bucket:
		return []Derived{{"S3 bucket name", BucketName(name), AutonameSuffix, 63}}
	case Secret:
		return []Derived{{"Secrets Manager secret name", SecretName("secure-vpc", "staging", name), 0, 512}}
	}
	return nil
}

// MaxLength is the longest configured name of a kind whose derived names all fit.
func MaxLength(kind Kind) int {
	best := 0
	for n := 1; n <= 63; n++ {
		if Check(kind, strings.Repeat("a", n)) != nil {
			break
		}
		best = n
	}
	return best
}

// Check returns the first derived name of a configured name that exceeds its AWS limit.
func Check(kind Kind, name string) *Derived {
	for _, d := range DerivedNames(kind, name) {
		if d.Physical() > d.Max {
			d := d
			return &d
		}
	}
	return nil
}
