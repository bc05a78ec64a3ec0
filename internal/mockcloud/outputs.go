package mockcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// ec2Prefixes are the id prefixes AWS uses for EC2 resources.
var ec2Prefixes = map[string]string{
	contract.TypeVpc:             "vpc",
	contract.TypeSubnet:          "subnet",
	contract.TypeInternetGateway: "igw",
	contract.TypeNatGateway:      "nat",
	contract.TypeEip:             "eipalloc",
	contract.TypeRouteTable:      "rtb",
	contract.TypeRouteTableAssoc: "rtbassoc",
	contract.TypeNetworkACL:      "acl",
	contract.TypeNetworkACLAssoc: "aclassoc",
	contract.TypeSecurityGroup:   "sg",
	contract.TypeSGIngressRule:   "sgr",
	contract.TypeSGEgressRule:    "sgr",
	contract.TypeVpcEndpoint:     "vpce",
	contract.TypeFlowLog:         "fl",
}

// ec2ARNKinds are the resource kinds in EC2 ARNs.
var ec2ARNKinds = map[string]string{
	"vpc": "vpc", "subnet": "subnet", "igw": "internet-gateway", "nat": "natgateway", "eipalloc": "elastic-ip",
	"rtb": "route-table", "acl": "network-acl", "sg": "security-group", "sgr": "security-group-rule",
	"vpce": "vpc-endpoint", "fl": "vpc-flow-log",
}

// autonamed lists the types whose `name` the provider fills from the logical name when absent.
var autonamed = map[string]bool{
	contract.TypeSecurityGroup:    true,
	contract.TypeIAMRole:          true,
	contract.TypeRolePolicy:       true,
	contract.TypeIAMPolicy:        true,
	contract.TypeLogGroup:         true,
	contract.TypeLoadBalancer:     true,
	contract.TypeTargetGroup:      true,
	contract.TypeALBLoadBalancer:  true,
	contract.TypeALBTargetGroup:   true,
	contract.TypeECSCluster:       true,
	contract.TypeECSService:       true,
	contract.TypeSecret:           true,
	contract.TypeWebACL:           true,
	contract.TypeDBSubnetGroup:    true,
	contract.TypeDBParameterGroup: true,
	contract.TypeCacheSubnetGroup: true,
}

// compute returns the id and the outputs (inputs plus computed properties) of a registration.
// Called with c.mu held.
func intOr(m resource.PropertyMap, key string, def int) int {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsNumber() {
		return int(v.NumberValue())
	}
	return def
}

func boolOf(m resource.PropertyMap, key string) (bool, bool) {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsBool() {
		return v.BoolValue(), true
	}
	return false, false
}

func (c *Cloud) compute(rec *Record) (string, resource.PropertyMap) {
	out := rec.Inputs.Copy()
	set := func(k string, v any) {
		if _, present := out[resource.PropertyKey(k)]; !present {
			out[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	seed := rec.URN
	acct, region := AccountID, c.Region

	if !rec.Custom {
		return "", resource.PropertyMap{}
	}
	if strings.HasPrefix(rec.Type, contract.TypeProviderPrefix) {
		return uuidOf(seed), out
	}

	name := str(rec.Inputs, "name")
	switch {
	case name != "":
	case str(rec.Inputs, "namePrefix") != "":
		// Terraform appends a 26-digit unique suffix to a name prefix.
		name = str(rec.Inputs, "namePrefix") + hexDigits(seed+"/name", 26)
		set("name", name)
	case autonamed[rec.Type]:
		name = rec.Name + "-" + hexOf(seed+"/name", 7)
		set("name", name)
	}

	if prefix, ok := ec2Prefixes[rec.Type]; ok {
		id := prefix + "-" + hexOf(seed, 17)
		set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:%s/%s", region, acct, ec2ARNKinds[prefix], id))
		set("ownerId", acct)
		switch rec.Type {
		case contract.TypeVpc:
			set("defaultSecurityGroupId", "sg-"+hexOf(seed+"/default-sg", 17))
			set("defaultNetworkAclId", "acl-"+hexOf(seed+"/default-acl", 17))
			set("defaultRouteTableId", "rtb-"+hexOf(seed+"/main-rtb", 17))
			set("mainRouteTableId", "rtb-"+hexOf(seed+"/main-rtb", 17))
		case contract.TypeEip:
			set("allocationId", id)
			set("publicIp", fmt.Sprintf("203.0.113.%d", 1+int(hexOf(seed, 2)[0])%250))
		case contract.TypeNatGateway:
			set("publicIp", fmt.Sprintf("198.51.100.%d", 1+int(hexOf(seed, 2)[0])%250))
		case contract.TypeSecurityGroup:
			set("name", name)
		case contract.TypeSGIngressRule, contract.TypeSGEgressRule:
			set("securityGroupRuleId", id)
		case contract.TypeVpcEndpoint:
			if str(rec.Inputs, "vpcEndpointType") == "Gateway" {
				set("prefixListId", "pl-"+hexOf(seed+"/pl", 8))
			} else {
				svc := str(rec.Inputs, "serviceName")
				short := svc[strings.LastIndex(svc, region+".")+len(region)+1:]
				set("dnsEntries", []any{map[string]any{
					"dnsName":      fmt.Sprintf("%s.%s.%s.vpce.amazonaws.com", id, short, region),
					"hostedZoneId": "Z" + strings.ToUpper(hexOf(seed+"/zone", 13)),
				}})
			}
			set("state", "available")
		}
		return id, out
	}

	switch rec.Type {
	case contract.TypeRoute:
		return "r-" + str(rec.Inputs, "routeTableId") + hexOf(seed, 10), out
	case contract.TypeNetworkACLRule:
		return "nacl-" + hexOf(seed, 10), out
	case contract.TypeDefaultNetworkACL:
		id := str(rec.Inputs, "defaultNetworkAclId")
		set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:network-acl/%s", region, acct, id))
		return id, out
	case contract.TypeDefaultSecurityGroup:
		id := "sg-" + hexOf(seed, 17)
		// The default group already exists: answer with the id the VPC reported for it.
		vpcID := str(rec.Inputs, "vpcId")
		for _, r := range c.records {
			if r.Type == contract.TypeVpc && r.ID == vpcID {
				id = str(r.Outputs, "defaultSecurityGroupId")
			}
		}
		set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", region, acct, id))
		set("name", "default")
		return id, out
	case contract.TypeLogGroup:
		set("arn", fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, acct, name))
		return name, out
	case contract.TypeIAMRole:
		set("arn", fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, name))
		set("uniqueId", "AROA"+strings.ToUpper(hexOf(seed, 17)))
		return name, out
	case contract.TypeRolePolicy:
		return str(rec.Inputs, "role") + ":" + name, out
	case contract.TypeIAMPolicy:
		arn := fmt.Sprintf("arn:aws:iam::%s:policy/%s", acct, name)
		set("arn", arn)
		return arn, out
	case contract.TypeKMSKey:
		keyID := uuidOf(seed)
		set("arn", fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, acct, keyID))
		set("keyId", keyID)
		return keyID, out
	case contract.TypeLoadBalancer, contract.TypeALBLoadBalancer:
		suffix := fmt.Sprintf("app/%s/%s", name, hexOf(seed+"/lb", 16))
		arn := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s", region, acct, suffix)
		set("arn", arn)
		set("arnSuffix", suffix)
		set("dnsName", fmt.Sprintf("%s-%d.%s.elb.amazonaws.com", name, 100000000+int(hexOf(seed, 8)[0])*1000, region))
		// No zoneId: the canonical hosted zone differs per region, and no made-up value is
		// better than a wrong one (nothing the program builds reads it).
		return arn, out
	case contract.TypeTargetGroup, contract.TypeALBTargetGroup:
		suffix := fmt.Sprintf("targetgroup/%s/%s", name, hexOf(seed+"/tg", 16))
		arn := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:%s", region, acct, suffix)
		set("arn", arn)
		set("arnSuffix", suffix)
		return arn, out
	case contract.TypeDBInstance:
		id := str(rec.Inputs, "identifier")
		if id == "" {
			id = rec.Name + hexOf(seed+"/name", 7)
			set("identifier", id)
		}
		set("arn", fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, acct, id))
		host := fmt.Sprintf("%s.c%s.%s.rds.amazonaws.com", id, hexOf(seed+"/host", 11), region)
		set("address", host)
		set("endpoint", fmt.Sprintf("%s:%d", host, intOr(rec.Inputs, "port", 5432)))
		set("resourceId", "db-"+strings.ToUpper(hexOf(seed+"/rid", 26)))
		if b, _ := boolOf(rec.Inputs, "manageMasterUserPassword"); b {
			set("masterUserSecrets", []any{map[string]any{
				"secretArn":    fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!db-%s-%s", region, acct, uuidOf(seed+"/secret"), hexOf(seed+"/sfx", 6)),
				"kmsKeyId":     str(rec.Inputs, "masterUserSecretKmsKeyId"),
				"secretStatus": "active",
			}})
		}
		return id, out
	case contract.TypeDBSubnetGroup:
		set("arn", fmt.Sprintf("arn:aws:rds:%s:%s:subgrp:%s", region, acct, name))
		return name, out
	case contract.TypeDBParameterGroup:
		set("arn", fmt.Sprintf("arn:aws:rds:%s:%s:pg:%s", region, acct, name))
		return name, out
	case contract.TypeBucket:
		bucket := str(rec.Inputs, "bucket")
		if bucket == "" {
			if prefix := str(rec.Inputs, "bucketPrefix"); prefix != "" {
				bucket = prefix + hexDigits(seed+"/bucket", 26)
			} else {
				bucket = lower(rec.Name) + "-" + hexOf(seed+"/bucket", 7)
			}
			set("bucket", bucket)
		}
		set("arn", "arn:aws:s3:::"+bucket)
		set("bucketDomainName", bucket+".s3.amazonaws.com")
		set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", bucket, region))
		set("region", region)
		return bucket, out
	case contract.TypeSecret:
		arn := fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", region, acct, name, hexOf(seed+"/sfx", 6))
		set("arn", arn)
		return arn, out
	case contract.TypeSecretVersion:
		version := uuidOf(seed + "/version")
		set("versionId", version)
		set("arn", str(rec.Inputs, "secretId"))
		return str(rec.Inputs, "secretId") + "|" + version, out
	case contract.TypeSecretPolicy:
		return str(rec.Inputs, "secretArn"), out
	case contract.TypeCacheSubnetGroup:
		set("arn", fmt.Sprintf("arn:aws:elasticache:%s:%s:subnetgroup:%s", region, acct, name))
		return name, out
	case contract.TypeCache:
		id := str(rec.Inputs, "replicationGroupId")
		set("arn", fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", region, acct, id))
		set("primaryEndpointAddress", fmt.Sprintf("master.%s.%s.cache.amazonaws.com", id, hexOf(seed+"/host", 6)))
		set("readerEndpointAddress", fmt.Sprintf("replica.%s.%s.cache.amazonaws.com", id, hexOf(seed+"/host", 6)))
		return id, out
	case contract.TypeTLSPrivateKey:
		// Stand-ins, not key material: nothing in the plan should ever look like a real key.
		set("privateKeyPem", "mock-private-key:"+hexOf(seed+"/priv", 32))
		set("privateKeyPemPkcs8", "mock-private-key-pkcs8:"+hexOf(seed+"/priv8", 32))
		set("privateKeyOpenssh", "mock-private-key-openssh:"+hexOf(seed+"/privssh", 32))
		set("publicKeyPem", "mock-public-key:"+hexOf(seed+"/pub", 32))
		set("publicKeyOpenssh", "mock-public-key-openssh:"+hexOf(seed+"/pubssh", 32))
		set("publicKeyFingerprintSha256", "SHA256:"+hexOf(seed+"/fp", 43))
		return hexOf(seed, 40), out
	case contract.TypeTLSSelfSignedCert, contract.TypeTLSLocallySignedCert:
		set("certPem", "mock-certificate:"+hexOf(seed+"/cert", 32))
		set("validityStartTime", "2026-01-01T00:00:00Z")
		set("validityEndTime", "2027-01-01T00:00:00Z")
		set("readyForRenewal", false)
		return hexDigits(seed, 38), out
	case contract.TypePCACertificateAuthority:
		arn := fmt.Sprintf("arn:aws:acm-pca:%s:%s:certificate-authority/%s", region, acct, uuidOf(seed))
		set("arn", arn)
		set("certificateSigningRequest", "mock-certificate-request:"+hexOf(seed+"/csr", 32))
		set("serial", hexOf(seed+"/serial", 32))
		set("keyStorageSecurityStandard", "FIPS_140_2_LEVEL_3_OR_HIGHER")
		return arn, out
	case contract.TypePCACertificate:
		ca := str(rec.Inputs, "certificateAuthorityArn")
		arn := ca + "/certificate/" + hexOf(seed, 32)
		set("arn", arn)
		set("certificate", "mock-certificate:"+hexOf(seed+"/cert", 32))
		set("certificateChain", "")
		return arn, out
	case contract.TypePCACertificateAuthorityCertificate:
		return str(rec.Inputs, "certificateAuthorityArn"), out
	case contract.TypeTLSCertRequest:
		set("certRequestPem", "mock-certificate-request:"+hexOf(seed+"/csr", 32))
		return hexOf(seed, 40), out
	case contract.TypeECRRepository:
		set("arn", fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", region, acct, name))
		set("registryId", acct)
		set("repositoryUrl", awslimits.ECRRegistryHost(acct, region)+"/"+name)
		return name, out
	case contract.TypeECRRepositoryPolicy, contract.TypeECRLifecyclePolicy:
		// AWS's id is the repository's name; one of its own keeps the name owned by the repository
		// alone, so that a reader matching values to resources (rehearse.py) finds the repository.
		set("registryId", acct)
		return acct + ":" + str(rec.Inputs, "repository") + ":" + rec.Name, out
	case contract.TypeECRRegistryScanningConfig:
		// AWS's id is the registry's (the account's): one of its own keeps a reader that matches
		// values to resources (rehearse.py) from taking the enabler's account id for this.
		set("registryId", acct)
		return "registry-scanning-" + acct + "-" + region, out
	case contract.TypeInspectorEnabler:
		return strings.Join(append(strs(rec.Inputs, "accountIds"), strs(rec.Inputs, "resourceTypes")...), "-"), out
	case contract.TypeECSCluster:
		arn := fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", region, acct, name)
		set("arn", arn)
		return arn, out
	case contract.TypeTaskDefinition:
		family := str(rec.Inputs, "family")
		set("arn", fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:1", region, acct, family))
		set("arnWithoutRevision", fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s", region, acct, family))
		set("revision", 1)
		return family, out
	case contract.TypeECSService:
		cluster := str(rec.Inputs, "cluster")
		clusterName := cluster[strings.LastIndex(cluster, "/")+1:]
		arn := fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", region, acct, clusterName, name)
		return arn, out
	case contract.TypeDNSNamespace:
		id := "ns-" + hexOf(seed, 16)
		set("arn", fmt.Sprintf("arn:aws:servicediscovery:%s:%s:namespace/%s", region, acct, id))
		set("hostedZone", "Z"+strings.ToUpper(hexOf(seed+"/zone", 13)))
		return id, out
	case contract.TypeDiscoveryService:
		id := "srv-" + hexOf(seed, 16)
		set("arn", fmt.Sprintf("arn:aws:servicediscovery:%s:%s:service/%s", region, acct, id))
		return id, out
	case contract.TypeListener, contract.TypeALBListener:
		lbArn := str(rec.Inputs, "loadBalancerArn")
		arn := strings.Replace(lbArn, ":loadbalancer/", ":listener/", 1) + "/" + hexOf(seed, 16)
		set("arn", arn)
		return arn, out
	case contract.TypeWebACL:
		id := uuidOf(seed)
		set("arn", fmt.Sprintf("arn:aws:wafv2:%s:%s:regional/webacl/%s/%s", region, acct, name, id))
		set("capacity", 1400)
		return id, out
	case contract.TypeWebACLAssociation:
		return str(rec.Inputs, "webAclArn") + "," + str(rec.Inputs, "resourceArn"), out
	case contract.TypeWebACLLogging:
		return str(rec.Inputs, "resourceArn"), out
	case contract.TypeACMCertificate:
		arn := fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", region, acct, uuidOf(seed))
		set("arn", arn)
		set("status", "ISSUED")
		return arn, out
	case contract.TypeFirewallDomainList, contract.TypeFirewallRuleGroup, contract.TypeFirewallRuleGroupAssoc,
		contract.TypeFirewallConfig, contract.TypeQueryLogConfig, contract.TypeQueryLogConfigAssociation:
		// Route 53 Resolver ids: rslvr-<kind>-<17 hex>.
		kind := map[string]string{contract.TypeFirewallDomainList: "fdl", contract.TypeFirewallRuleGroup: "frg",
			contract.TypeFirewallRuleGroupAssoc: "frgassoc", contract.TypeFirewallConfig: "fc",
			contract.TypeQueryLogConfig: "qlc", contract.TypeQueryLogConfigAssociation: "qlcassoc"}[rec.Type]
		id := "rslvr-" + kind + "-" + hexOf(seed, 17)
		resource := map[string]string{"fdl": "firewall-domain-list", "frg": "firewall-rule-group", "frgassoc": "firewall-rule-group-association", "qlc": "resolver-query-log-config"}[kind]
		if resource != "" {
			set("arn", fmt.Sprintf("arn:aws:route53resolver:%s:%s:%s/%s", region, acct, resource, id))
		}
		if rec.Type == contract.TypeFirewallConfig {
			set("ownerId", acct)
		}
		return id, out
	case contract.TypeFirewallRule:
		// The provider's id of a rule: <rule group id>:<domain list id>.
		return str(rec.Inputs, "firewallRuleGroupId") + ":" + str(rec.Inputs, "firewallDomainListId"), out
	case contract.TypeLogResourcePolicy:
		return str(rec.Inputs, "policyName"), out
	case contract.TypeKMSAlias:
		if name == "" {
			name = "alias/" + rec.Name + "-" + hexOf(seed+"/name", 7)
			set("name", name)
		}
		set("arn", fmt.Sprintf("arn:aws:kms:%s:%s:%s", region, acct, name))
		return name, out
	}

	// Anything else: a generic but well-formed id and ARN.
	service := strings.SplitN(strings.SplitN(rec.Type, "/", 2)[0], ":", 2)[1]
	id := hexOf(seed, 17)
	if name != "" {
		id = name
	}
	set("arn", fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, region, acct, rec.Name, id))
	return id, out
}

// strs is a list of strings among the inputs (nil when absent).
func strs(m resource.PropertyMap, key string) []string {
	v, ok := m[resource.PropertyKey(key)]
	if !ok || !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}
