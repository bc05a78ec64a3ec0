// Package awslimits checks what the program registers against limits AWS and the provider
// enforce but Pulumi's mocks do not (names, allowed values, conflicting properties). Tests run it
// on every committed stack; see ../shared/reference/aws-constraints.md for the sources.
package awslimits

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

var (
	rdsIdentifier = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	rdsGroupName  = regexp.MustCompile(`^[a-z][a-z0-9.-]{0,254}$`)
	rdsSubnetName = regexp.MustCompile(`^[0-9a-z_ .-]{1,255}$`)
	pgIdentifier  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,62}$`)
	bucketPrefix  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,36}$`)
	bucketName    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	secretName    = regexp.MustCompile(`^[0-9A-Za-z/_+=.@-]{1,512}$`)
	cacheID       = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	elbName       = regexp.MustCompile(`^[0-9A-Za-z]([0-9A-Za-z-]{0,30}[0-9A-Za-z])?$`)
	ecsName       = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	wafName       = regexp.MustCompile(`^[0-9A-Za-z_-]{1,128}$`)
	dnsName       = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	iamName       = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	logGroupName  = regexp.MustCompile(`^[0-9A-Za-z_./#-]{1,512}$`)
	kmsAlias      = regexp.MustCompile(`^alias/[a-zA-Z0-9:/_-]+$`)
	ascii         = regexp.MustCompile(`^[\x20-\x7E]*$`)
)

// LogRetentionDays are the retentions CloudWatch Logs accepts (terraform-provider-aws
// internal/service/logs/group.go).
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// ValidLogRetention reports whether CloudWatch Logs accepts a retention.
func ValidLogRetention(days int) bool { return slices.Contains(LogRetentionDays, days) }

// Check returns one line per violation, naming the resource.
func Check(resources []stackstate.Resource) []string {
	var out []string
	bad := func(r stackstate.Resource, format string, args ...any) {
		out = append(out, fmt.Sprintf("%s: %s", r.URN, fmt.Sprintf(format, args...)))
	}
	naclRules := map[string]bool{}
	paramGroups := map[string]string{} // name -> family
	subnetAZ := map[string]string{}    // subnet id -> AZ
	for _, r := range resources {
		switch r.Type {
		case contract.TypeDBParameterGroup:
			name, _ := r.Outputs["name"].(string)
			paramGroups[name], _ = r.Inputs["family"].(string)
		case contract.TypeSubnet:
			subnetAZ[r.ID], _ = r.Inputs["availabilityZone"].(string)
		}
	}
	for _, r := range resources {
		in := r.Inputs
		checkGroupsPerInterface(r, bad)
		name, _ := r.Outputs["name"].(string)
		switch r.Type {
		case contract.TypeIAMRole:
			if !iamName.MatchString(name) {
				bad(r, "IAM role name %q must be 1-64 characters of [\\w+=,.@-]", name)
			}
		case contract.TypeRolePolicy:
			if len(name) > 128 {
				bad(r, "inline policy name %q is longer than 128 characters", name)
			}
		case contract.TypeLogGroup:
			if !logGroupName.MatchString(name) {
				bad(r, "log group name %q is not valid", name)
			}
			if d, ok := asInt(in["retentionInDays"]); ok && !ValidLogRetention(d) {
				bad(r, "retentionInDays %d is not an allowed value", d)
			}
		case contract.TypeKMSAlias:
			if !kmsAlias.MatchString(name) || strings.HasPrefix(name, "alias/aws") {
				bad(r, "KMS alias %q must match alias/[a-zA-Z0-9:/_-]+ and not start with alias/aws", name)
			}
		case contract.TypeKMSKey:
			if d, ok := asInt(in["deletionWindowInDays"]); ok && (d < 7 || d > 30) {
				bad(r, "deletionWindowInDays %d must be 7-30", d)
			}
		case contract.TypeSecurityGroup:
			desc, _ := in["description"].(string)
			if desc == "" || desc == "Managed by Pulumi" || !ascii.MatchString(desc) || len(desc) > 255 {
				bad(r, "security group description %q must be set, ASCII and at most 255 characters", desc)
			}
			if strings.HasPrefix(name, "sg-") || len(name) > 255 {
				bad(r, "security group name %q must not start with sg- and be at most 255 characters", name)
			}
			if _, inline := in["ingress"]; inline {
				bad(r, "inline ingress rules fight standalone rules; use vpc.SecurityGroupIngressRule")
			}
			if _, inline := in["egress"]; inline {
				bad(r, "inline egress rules fight standalone rules; use vpc.SecurityGroupEgressRule")
			}
		case contract.TypeSGIngressRule, contract.TypeSGEgressRule:
			sources := 0
			for _, k := range []string{"cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"} {
				if s, _ := in[k].(string); s != "" {
					sources++
				}
			}
			if sources != 1 {
				bad(r, "a security group rule needs exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId (has %d)", sources)
			}
			if d, _ := in["description"].(string); d == "" {
				bad(r, "security group rule has no description")
			}
		case contract.TypeRoute:
			targets := 0
			for _, k := range []string{"gatewayId", "natGatewayId", "vpcEndpointId", "transitGatewayId", "networkInterfaceId", "vpcPeeringConnectionId", "egressOnlyGatewayId"} {
				if s, _ := in[k].(string); s != "" {
					targets++
				}
			}
			if targets != 1 {
				bad(r, "a route needs exactly one target (has %d)", targets)
			}
		case contract.TypeNetworkACLRule:
			n, _ := asInt(in["ruleNumber"])
			egress, _ := in["egress"].(bool)
			key := fmt.Sprintf("%v/%v/%d", in["networkAclId"], egress, n)
			if naclRules[key] {
				bad(r, "rule number %d is used twice in the same direction of one network ACL", n)
			}
			naclRules[key] = true
			if n < 1 || n > 32766 {
				bad(r, "rule number %d must be 1-32766", n)
			}
		case contract.TypeEip:
			if d, _ := in["domain"].(string); d != "vpc" {
				bad(r, "an Elastic IP for a NAT gateway needs domain vpc")
			}
		case contract.TypeVpcEndpoint:
			typ, _ := in["vpcEndpointType"].(string)
			if typ == "Gateway" {
				for _, k := range []string{"subnetIds", "securityGroupIds", "privateDnsEnabled"} {
					if _, set := in[k]; set {
						bad(r, "a gateway endpoint takes no %s", k)
					}
				}
			}
		case contract.TypeDBInstance:
			checkDBInstance(r, paramGroups, bad)
		case contract.TypeDBParameterGroup:
			if !rdsGroupName.MatchString(name) || strings.Contains(name, "--") || strings.HasSuffix(name, "-") {
				bad(r, "DB parameter group name %q must be lowercase letters, digits, dots and hyphens, starting with a letter", name)
			}
		case contract.TypeDBSubnetGroup, contract.TypeCacheSubnetGroup:
			if !rdsSubnetName.MatchString(name) || name == "default" {
				bad(r, "subnet group name %q must be lowercase (AWS stores it lowercase, so mixed case diffs forever)", name)
			}
		case contract.TypeBucket:
			if p, _ := in["bucketPrefix"].(string); p != "" && !bucketPrefix.MatchString(p) {
				bad(r, "bucket prefix %q must be at most 37 lowercase letters, digits, dots or hyphens (S3 appends 26 characters)", p)
			}
			if b, _ := r.Outputs["bucket"].(string); b != "" && (!bucketName.MatchString(b) || strings.Contains(b, "..")) {
				bad(r, "bucket name %q is not a valid S3 bucket name", b)
			}
		case contract.TypeBucketSSE:
			if rules, _ := in["rules"].([]any); len(rules) != 1 {
				bad(r, "a bucket encryption configuration takes exactly one rule (has %d)", len(rules))
			}
		case contract.TypeBucketLifecycle:
			rules, _ := in["rules"].([]any)
			for _, x := range rules {
				m, _ := x.(map[string]any)
				if _, f := m["filter"]; !f {
					if _, p := m["prefix"]; !p {
						bad(r, "lifecycle rule %v needs a filter (empty for the whole bucket)", m["id"])
					}
				}
			}
		case contract.TypeSecret:
			if !secretName.MatchString(name) {
				bad(r, "secret name %q has characters Secrets Manager rejects", name)
			}
			if d, ok := asInt(in["recoveryWindowInDays"]); ok && d != 0 && (d < 7 || d > 30) {
				bad(r, "recoveryWindowInDays %d must be 0 or 7-30", d)
			}
		case contract.TypeCache:
			id, _ := in["replicationGroupId"].(string)
			if !cacheID.MatchString(id) || strings.Contains(id, "--") || strings.HasSuffix(id, "-") {
				bad(r, "replication group id %q must be 1-40 lowercase letters, digits and hyphens, starting with a letter", id)
			}
			multiAZ, _ := in["multiAzEnabled"].(bool)
			failover, _ := in["automaticFailoverEnabled"].(bool)
			nodes, _ := asInt(in["numCacheClusters"])
			switch {
			case multiAZ && (!failover || nodes < 2):
				bad(r, "multiAzEnabled needs automaticFailoverEnabled and at least 2 cache clusters")
			case failover && nodes < 2:
				bad(r, "automaticFailoverEnabled needs at least 2 cache clusters")
			}
			if _, token := in["authToken"]; token {
				if transit, _ := in["transitEncryptionEnabled"].(bool); !transit {
					bad(r, "an auth token requires transitEncryptionEnabled")
				}
			}
			if _, key := in["kmsKeyId"]; key {
				if atRest, _ := in["atRestEncryptionEnabled"].(bool); !atRest {
					bad(r, "kmsKeyId requires atRestEncryptionEnabled")
				}
			}
		case contract.TypeLoadBalancer, contract.TypeALBLoadBalancer:
			if !elbName.MatchString(name) || strings.HasPrefix(name, LoadBalancerReservedPrefix) {
				bad(r, "load balancer name %q must be at most 32 letters, digits and hyphens, not starting or ending with a hyphen, nor with %q", name, LoadBalancerReservedPrefix)
			}
			subnets, _ := in["subnets"].([]any)
			azs := map[string]bool{}
			for _, x := range subnets {
				id, _ := x.(string)
				if az := subnetAZ[id]; az != "" {
					if azs[az] {
						bad(r, "has two subnets in %s; an ALB takes one subnet per AZ", az)
					}
					azs[az] = true
				}
			}
			if typ, _ := in["loadBalancerType"].(string); (typ == "" || typ == "application") && len(azs) < 2 {
				bad(r, "an application load balancer needs subnets in at least two AZs (has %d)", len(azs))
			}
		case contract.TypeTargetGroup, contract.TypeALBTargetGroup:
			if !elbName.MatchString(name) {
				bad(r, "target group name %q must be at most 32 letters, digits and hyphens", name)
			}
			if tt, _ := in["targetType"].(string); tt != "ip" {
				bad(r, "Fargate tasks (awsvpc) register by IP: targetType must be ip, not %q", tt)
			}
		case contract.TypeListener, contract.TypeALBListener:
			if p, _ := in["protocol"].(string); p == "HTTPS" {
				if c, _ := in["certificateArn"].(string); c == "" {
					bad(r, "an HTTPS listener needs a certificateArn")
				}
			}
		case contract.TypeTaskDefinition:
			family, _ := in["family"].(string)
			if !ecsName.MatchString(family) {
				bad(r, "task family %q must be 1-255 letters, digits, hyphens and underscores", family)
			}
			cpu, _ := in["cpu"].(string)
			mem, _ := in["memory"].(string)
			c, errC := strconv.Atoi(cpu)
			m, errM := strconv.Atoi(mem)
			if errC != nil || errM != nil || !ValidFargateSize(c, m) {
				bad(r, "cpu %s with memory %s is not a Fargate task size", cpu, mem)
			}
		case contract.TypeECSCluster, contract.TypeECSService:
			if !ecsName.MatchString(name) {
				bad(r, "ECS name %q must be 1-255 letters, digits, hyphens and underscores", name)
			}
		case contract.TypeWebACL:
			if !wafName.MatchString(name) {
				bad(r, "web ACL name %q must be 1-128 letters, digits, hyphens and underscores", name)
			}
			if scope, _ := in["scope"].(string); scope != "REGIONAL" {
				bad(r, "a web ACL for an ALB must have scope REGIONAL")
			}
		case contract.TypeDNSNamespace, contract.TypeDiscoveryService:
			n, _ := in["name"].(string)
			if n == "" || !dnsName.MatchString(n) {
				bad(r, "Cloud Map name %q must be set explicitly and be a DNS name (an autoname would never resolve)", n)
			}
		case contract.TypeFirewallDomainList, contract.TypeFirewallRuleGroup, contract.TypeFirewallRule, contract.TypeFirewallRuleGroupAssoc, contract.TypeQueryLogConfig:
			checkResolver(r, bad)
		case contract.TypeFlowLog:
			if d, ok := asInt(in["maxAggregationInterval"]); ok && d != 60 && d != 600 {
				bad(r, "maxAggregationInterval must be 60 or 600")
			}
			if _, set := in["logGroupName"]; set {
				bad(r, "logGroupName is deprecated; use logDestination")
			}
		}
	}
	return out
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case int:
		return n, true
	}
	return 0, false
}

// Master user names RDS for PostgreSQL rejects.
var reservedPGUsers = map[string]bool{"admin": true, "rdsadmin": true, "postgres": false}

var pgPIRetention = map[int]bool{7: true, 731: true}

func checkDBInstance(r stackstate.Resource, paramGroups map[string]string, bad func(stackstate.Resource, string, ...any)) {
	in := r.Inputs
	id, _ := in["identifier"].(string)
	if id == "" {
		id, _ = r.Outputs["identifier"].(string)
	}
	if !rdsIdentifier.MatchString(id) || strings.Contains(id, "--") || strings.HasSuffix(id, "-") {
		bad(r, "RDS identifier %q must be 1-63 lowercase letters, digits and hyphens, starting with a letter", id)
	}
	if user, _ := in["username"].(string); user != "" && (!pgIdentifier.MatchString(user) || reservedPGUsers[user] || strings.HasPrefix(user, "pg_")) {
		bad(r, "master username %q is invalid or reserved for PostgreSQL", user)
	}
	if db, _ := in["dbName"].(string); db != "" && !pgIdentifier.MatchString(db) {
		bad(r, "dbName %q must start with a letter and hold only letters, digits and underscores", db)
	}
	_, hasPassword := in["password"]
	managed, _ := in["manageMasterUserPassword"].(bool)
	if hasPassword == managed {
		bad(r, "exactly one of password and manageMasterUserPassword must be set")
	}
	if key, _ := in["kmsKeyId"].(string); key != "" {
		if !strings.HasPrefix(key, "arn:aws") {
			bad(r, "kmsKeyId must be a key ARN, got %q", key)
		}
		if enc, _ := in["storageEncrypted"].(bool); !enc {
			bad(r, "kmsKeyId requires storageEncrypted")
		}
	}
	version, _ := in["engineVersion"].(string)
	if auto, set := in["autoMinorVersionUpgrade"].(bool); (auto || !set) && strings.Contains(version, ".") {
		bad(r, "engineVersion %q pins a minor version while minor upgrades are automatic; give the major version only", version)
	}
	if pg, _ := in["parameterGroupName"].(string); pg != "" {
		if family, known := paramGroups[pg]; known && family != "postgres"+strings.Split(version, ".")[0] {
			bad(r, "parameter group family %s does not match engine version %s", family, version)
		}
	}
	if d, ok := asInt(in["backupRetentionPeriod"]); ok && (d < 0 || d > 35) {
		bad(r, "backupRetentionPeriod %d must be 0-35", d)
	}
	if d, ok := asInt(in["performanceInsightsRetentionPeriod"]); ok && !pgPIRetention[d] && d%31 != 0 {
		bad(r, "performanceInsightsRetentionPeriod %d must be 7, 731 or a multiple of 31", d)
	}
	if skip, _ := in["skipFinalSnapshot"].(bool); !skip {
		final, _ := in["finalSnapshotIdentifier"].(string)
		if !rdsIdentifier.MatchString(strings.ToLower(final)) || strings.Contains(final, "--") || strings.HasSuffix(final, "-") {
			bad(r, "without skipFinalSnapshot a valid finalSnapshotIdentifier is required (got %q)", final)
		}
		// A snapshot outlives its instance: a name fixed in the program is taken the second time
		// an instance of it is deleted (DBSnapshotAlreadyExists), at the second destroy of the
		// stack or the second replacement of the database.
		if final != "" && len(r.PropertyDependencies["finalSnapshotIdentifier"]) == 0 {
			bad(r, "finalSnapshotIdentifier %q is fixed; RDS refuses to delete the instance when a snapshot of that name exists, so derive it from something unique to each incarnation of the database", final)
		}
	}
}

// MaxGroupsPerInterface is AWS's default quota of security groups on one network interface.
var MaxGroupsPerInterface = SecurityGroupsPerInterface.Limit

// checkGroupsPerInterface counts the security groups a resource puts on its network interfaces.
func checkGroupsPerInterface(r stackstate.Resource, bad func(stackstate.Resource, string, ...any)) {
	var groups []any
	switch r.Type {
	case contract.TypeECSService:
		nc, _ := r.Inputs["networkConfiguration"].(map[string]any)
		groups, _ = nc["securityGroups"].([]any)
	case contract.TypeLoadBalancer, contract.TypeALBLoadBalancer:
		groups, _ = r.Inputs["securityGroups"].([]any)
	case contract.TypeDBInstance:
		groups, _ = r.Inputs["vpcSecurityGroupIds"].([]any)
	case contract.TypeCache, contract.TypeVpcEndpoint:
		groups, _ = r.Inputs["securityGroupIds"].([]any)
	}
	if len(groups) > MaxGroupsPerInterface {
		bad(r, "puts %d security groups on a network interface; AWS allows %d", len(groups), MaxGroupsPerInterface)
	}
}
