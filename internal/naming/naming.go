// Package naming holds the AWS names derived from the names users write in stack config, and
// the AWS limits they must respect. The config loader checks every derived name against its limit
// before anything is registered; components use the same functions to name what they create, so
// the check and the names cannot drift apart.
package naming

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
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
	BFF      Kind = "bff" // a service with public: true, which also gets a load balancer
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

// DBIdentifier is the explicit RDS identifier of a database: lowercase, unique per stack, and
// known before the instance exists, so that its log groups can be created (encrypted, with a
// retention) before RDS would create them itself.
func DBIdentifier(database, stack string) string { return database + "-" + stack }

// RDSLogGroup is the CloudWatch Logs group RDS writes a database's exported log of one kind
// ("postgresql", "upgrade") to: /aws/rds/instance/<identifier>/<kind>. The stack creates these
// groups itself (encrypted, with a retention) and the audit looks them up by this name.
func RDSLogGroup(identifier, kind string) string {
	return fmt.Sprintf("/aws/rds/instance/%s/%s", identifier, kind)
}

// DatabaseName is the PostgreSQL database RDS creates in a database's instance (DBName): its
// config name with hyphens turned into underscores, since PostgreSQL names take no hyphens.
func DatabaseName(database string) string { return strings.ReplaceAll(database, "-", "_") }

// DatabaseUser is the database role a service connects as with IAM authentication: its name with
// hyphens turned into underscores.
func DatabaseUser(service string) string { return strings.ReplaceAll(service, "-", "_") }

// Migration is the name of a database's one-off migration task: the logical name of its
// component, its security group's name tag and the value of contract.MigrationTag.
func Migration(database string) string { return database + "-migration" }

// MigrationTaskRole is the logical name of a database migration task's task role.
func MigrationTaskRole(database string) string { return Migration(database) + "-task" }

// MigrationExecutionRole is the logical name of a database migration task's execution role.
func MigrationExecutionRole(database string) string { return Migration(database) + "-exec" }

// CacheGroupID is the explicit ElastiCache replication group id of a cache (at most 40 characters).
func CacheGroupID(cache, stack string) string { return cache + "-" + stack }

// BucketPrefix is the prefix of a bucket's name; S3 adds a 26-character unique suffix.
func BucketPrefix(bucket, stack string) string { return bucket + "-" + stack + "-" }

// BucketPrefixSuffix is the length of the unique suffix Terraform adds to a bucket prefix.
const BucketPrefixSuffix = 26

// SecretPrefix is the name prefix of a Secrets Manager secret of the stack; Secrets Manager
// names then end in a unique suffix, so a replaced secret never collides with one pending deletion.
func SecretPrefix(project, stack, kind, name string) string {
	return fmt.Sprintf("%s/%s/%s/%s-", project, stack, kind, name)
}

// ServiceNamespace is the Cloud Map private DNS namespace of a stack.
func ServiceNamespace(stack string) string { return stack + "." + contract.Project + ".internal" }

// ServiceDNS is the service-discovery name of a service: its mTLS certificate's SAN.
func ServiceDNS(service, stack string) string { return service + "." + ServiceNamespace(stack) }

// Repository is the name of a service's ECR repository: "<project>-<stack>/<service>", unique in
// the account's registry of the region (awslimits.ECRRepositoryName, at most 256 characters).
func Repository(service, stack string) string { return contract.Project + "-" + stack + "/" + service }

// MaxStackLength keeps every name that embeds the stack within AWS limits.
const MaxStackLength = 16

// DerivedNames lists every AWS name derived from a configured name of the given kind in a stack.
func DerivedNames(kind Kind, name, stack string) []Derived {
	switch kind {
	case BFF:
		return append([]Derived{
			{"load balancer name", LoadBalancer(name), AutonameSuffix, 32},
			{"target group name", TargetGroup(name), AutonameSuffix, 32},
		}, DerivedNames(Service, name, stack)...)
	case Service:
		return []Derived{
			{"IAM task role name", TaskRole(name), AutonameSuffix, 64},
			{"IAM execution role name", ExecutionRole(name), AutonameSuffix, 64},
			{"Cloud Map service name (a DNS label)", name, 0, 63},
			{"service DNS name", ServiceDNS(name, stack), 0, 253},
			// The name is its mTLS certificate's common name, which RFC 5280 caps at 64 (ub-common-name).
			{"certificate common name", ServiceDNS(name, stack), 0, 64},
			{"ECR repository name", Repository(name, stack), 0, 256},
		}
	case Database:
		return []Derived{
			{"RDS instance identifier", DBIdentifier(name, stack), 0, 63},
			{"IAM role name of its migration task", MigrationTaskRole(name), AutonameSuffix, 64},
			{"IAM execution role name of its migration task", MigrationExecutionRole(name), AutonameSuffix, 64},
		}
	case Cache:
		return []Derived{{"ElastiCache replication group id", CacheGroupID(name, stack), 0, 40}}
	case Bucket:
		return []Derived{{"S3 bucket name", BucketPrefix(name, stack), BucketPrefixSuffix, 63}}
	case Secret:
		return []Derived{{"Secrets Manager secret name", SecretPrefix(contract.Project, stack, string(contract.AppSecret), name), BucketPrefixSuffix, 512}}
	}
	return nil
}

// MaxLength is the longest configured name of a kind whose derived names all fit in a stack.
func MaxLength(kind Kind, stack string) int {
	best := 0
	for n := 1; n <= 63; n++ {
		if Check(kind, strings.Repeat("a", n), stack) != nil {
			break
		}
		best = n
	}
	return best
}

// Check returns the first derived name of a configured name that exceeds its AWS limit.
func Check(kind Kind, name, stack string) *Derived {
	for _, d := range DerivedNames(kind, name, stack) {
		if d.Physical() > d.Max {
			d := d
			return &d
		}
	}
	return nil
}
