package platform_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
)

// Identities are a task role and an execution role per service, trusted only by this account's
// ECS tasks, tagged so that a policy can name them by what they are, with no permission yet.
func TestIdentities(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		var out resolved
		var ids *compute.Identities
		p := runAlone(t, func(ctx *pulumi.Context) (err error) {
			ids, err = compute.NewIdentities(ctx, "identities", &compute.IdentitiesArgs{Scope: scope, Services: []string{"users", "web-bff"}})
			if err == nil {
				out.watch("task", ids.TaskRoleArns)
				out.watch("exec", ids.ExecutionRoleArns)
			}
			return err
		})
		comp := p.component(contract.TypeIdentities)
		assert.Equal(t, map[string]int{contract.TypeIAMRole: 4}, count(p.children(comp.URN)), "two roles per service and no policy")
		for _, svc := range []string{"users", "web-bff"} {
			for logical, kind := range map[string]contract.RoleKind{svc + "-task-role": contract.TaskRole, svc + "-exec-role": contract.ExecutionRole} {
				role := p.one(contract.TypeIAMRole, logical)
				assert.Equal(t, map[string]any{contract.ServiceTag: svc, contract.RoleTag: string(kind), contract.StackTag: "test"}, tags(role))
				assert.Contains(t, role.Inputs["assumeRolePolicy"], `"Service":"ecs-tasks.amazonaws.com"`)
				assert.Contains(t, role.Inputs["assumeRolePolicy"], `"aws:SourceAccount":"123456789012"`)
				assert.EqualValues(t, 3600, role.Inputs["maxSessionDuration"])
				assert.Regexp(t, `^secure-vpc/test: `, role.Inputs["description"])
				assert.Equal(t, scope.Protect, role.Protect, logical)
			}
			assert.Equal(t, p.one(contract.TypeIAMRole, svc+"-task-role").Outputs["arn"], out.get(t, "task").(map[string]string)[svc])
			assert.Equal(t, p.one(contract.TypeIAMRole, svc+"-exec-role").Outputs["arn"], out.get(t, "exec").(map[string]string)[svc])
		}
		assert.NotNil(t, ids.TaskRole("users"))
		assert.Nil(t, ids.TaskRole("nobody"))
	}
	_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := compute.NewIdentities(ctx, "identities", &compute.IdentitiesArgs{Scope: testScope})
		return err
	})
	assert.ErrorContains(t, err, "at least one service is required")
}

// A Cluster has Container Insights on, ECS Exec sessions logged to an encrypted log group of the
// stack, and the private DNS namespace every service's certificate names.
func TestCluster(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		var c *compute.Cluster
		p := runAlone(t, func(ctx *pulumi.Context) (err error) {
			c, err = compute.NewCluster(ctx, "cluster", &compute.ClusterArgs{Scope: scope, VpcID: pulumi.String("vpc-0123456789abcdef0"),
				LogsKeyArn: pulumi.String(logsKey), LogRetentionDays: 30})
			return err
		})
		comp := p.component(contract.TypeCluster)
		assert.Equal(t, map[string]int{contract.TypeLogGroup: 1, contract.TypeECSCluster: 1, contract.TypeDNSNamespace: 1}, count(p.children(comp.URN)))
		logs := p.one(contract.TypeLogGroup, "cluster-exec")
		assert.Equal(t, "/secure-vpc/test/ecs-exec", logs.Inputs["name"])
		assert.Equal(t, logsKey, logs.Inputs["kmsKeyId"])
		assert.Equal(t, scope.Protect, logs.Protect)
		cluster := p.one(contract.TypeECSCluster, "cluster")
		assert.Equal(t, []any{map[string]any{"name": "containerInsights", "value": "enabled"}}, cluster.Inputs["settings"])
		assert.Equal(t, true, in(cluster, "configuration", "executeCommandConfiguration", "logConfiguration", "cloudWatchEncryptionEnabled"))
		assert.Equal(t, logs.Outputs["name"], in(cluster, "configuration", "executeCommandConfiguration", "logConfiguration", "cloudWatchLogGroupName"))
		assert.Equal(t, map[string]any{contract.NameTag: "secure-vpc-test"}, tags(cluster))
		ns := p.one(contract.TypeDNSNamespace, "cluster")
		assert.Equal(t, "test.secure-vpc.internal", ns.Inputs["name"])
		assert.Equal(t, "vpc-0123456789abcdef0", ns.Inputs["vpc"])
		assert.Equal(t, "test.secure-vpc.internal", c.Namespace)
	}
}

// edgeArgs are a BFF's edge args with stand-ins for the log bucket policy and the gateway.
func edgeArgs(ctx *pulumi.Context, scope stack.Scope, cert string) (*compute.EdgeArgs, error) {
	policy, err := newStub(ctx, "log-bucket-policy")
	if err != nil {
		return nil, err
	}
	igw, err := newStub(ctx, "internet-gateway")
	if err != nil {
		return nil, err
	}
	return &compute.EdgeArgs{Scope: scope, EdgeSettings: compute.EdgeSettings{CertificateARN: cert, DomainName: "example.com", RateLimit: 2000},
		Port: 8443, HealthCheckPath: "/healthz", VpcID: pulumi.String("vpc-0123456789abcdef0"),
		PublicSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}), SecurityGroupID: pulumi.String("sg-0lb0000000000000"),
		LogBucket: pulumi.String("internal-logs-test-1"), LogBucketPolicy: policy, InternetGateway: igw,
		LogsKeyArn: pulumi.String(logsKey), LogRetentionDays: 30}, nil
}

// An Edge is an internet-facing ALB that speaks only HTTPS (HTTP redirects), drops invalid
// headers, logs every request, forwards over TLS to the tasks and sits behind a logged WAF.
func TestEdge(t *testing.T) {
	const cert = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001"
	for _, scope := range []stack.Scope{testScope, protected} {
		var out resolved
		p := runAlone(t, func(ctx *pulumi.Context) error {
			args, err := edgeArgs(ctx, scope, cert)
			if err != nil {
				return err
			}
			e, err := compute.NewEdge(ctx, "web-bff", args)
			if err == nil {
				out.watch("url", e.URL)
				out.watch("tg", e.TargetGroupArn)
			}
			return err
		})
		comp := p.component(contract.TypeEdge)
		assert.Equal(t, map[string]int{contract.TypeLoadBalancer: 1, contract.TypeTargetGroup: 1, contract.TypeListener: 2, contract.TypeWebACL: 1,
			contract.TypeWebACLAssociation: 1, contract.TypeLogGroup: 1, contract.TypeWebACLLogging: 1}, count(p.children(comp.URN)), "with a certificate, nothing self-signed")
		bff := map[string]any{contract.BFFTag: "web-bff", contract.ServiceTag: "web-bff"}

		alb := p.one(contract.TypeLoadBalancer, "web-bff-alb")
		assert.Equal(t, false, alb.Inputs["internal"])
		assert.Equal(t, true, alb.Inputs["dropInvalidHeaderFields"])
		assert.Equal(t, scope.Protect, alb.Inputs["enableDeletionProtection"])
		assert.Equal(t, map[string]any{"bucket": "internal-logs-test-1", "prefix": contract.ALBAccessLogPrefix, "enabled": true}, alb.Inputs["accessLogs"])
		assert.Equal(t, []any{"sg-0lb0000000000000"}, alb.Inputs["securityGroups"])
		assert.Equal(t, bff, tags(alb))
		assert.Contains(t, alb.Dependencies, p.one("test:index:Stub", "log-bucket-policy").URN, "logs only once the bucket admits them")
		assert.Contains(t, alb.Dependencies, p.one("test:index:Stub", "internet-gateway").URN)

		tg := p.one(contract.TypeTargetGroup, "web-bff-tg")
		assert.Equal(t, "HTTPS", tg.Inputs["protocol"], "TLS to the tasks")
		assert.EqualValues(t, 8443, tg.Inputs["port"])
		assert.Equal(t, "/healthz", in(tg, "healthCheck", "path"))
		assert.Equal(t, "HTTPS", in(tg, "healthCheck", "protocol"))

		https := p.one(contract.TypeListener, "web-bff-https")
		assert.Equal(t, compute.TLSPolicy, https.Inputs["sslPolicy"])
		assert.Equal(t, cert, https.Inputs["certificateArn"])
		assert.Equal(t, tg.ID, in(https, "defaultActions", "0", "targetGroupArn"))
		assert.Equal(t, compute.HSTS, https.Inputs["routingHttpResponseStrictTransportSecurityHeaderValue"])
		http := p.one(contract.TypeListener, "web-bff-http")
		assert.Equal(t, "redirect", in(http, "defaultActions", "0", "type"))
		assert.Equal(t, "HTTP_301", in(http, "defaultActions", "0", "redirect", "statusCode"))

		acl := p.one(contract.TypeWebACL, "web-bff-waf")
		rules := acl.Inputs["rules"].([]any)
		require.Len(t, rules, 4, "three AWS managed rule groups and a rate limit")
		assert.EqualValues(t, 2000, rules[3].(map[string]any)["statement"].(map[string]any)["rateBasedStatement"].(map[string]any)["limit"])
		assert.Equal(t, map[string]any{"allow": map[string]any{}}, acl.Inputs["defaultAction"])
		assoc := p.one(contract.TypeWebACLAssociation, "web-bff")
		assert.Equal(t, alb.ID, assoc.Inputs["resourceArn"])
		wafLogs := p.one(contract.TypeLogGroup, "web-bff-waf")
		assert.Equal(t, "aws-waf-logs-secure-vpc-test-web-bff", wafLogs.Inputs["name"])
		assert.Equal(t, scope.Protect, wafLogs.Protect)
		logging := p.one(contract.TypeWebACLLogging, "web-bff")
		assert.Len(t, logging.Inputs["redactedFields"], 2, "authorization and cookie are redacted")

		assert.Equal(t, "https://web-bff.example.com", out.get(t, "url"))
		assert.Equal(t, tg.ID, out.get(t, "tg"))
	}
}

// In dev, with no certificate, the edge imports a self-signed one for its host.
func TestEdgeSelfSigned(t *testing.T) {
	p := runAlone(t, func(ctx *pulumi.Context) error {
		args, err := edgeArgs(ctx, testScope, "")
		if err != nil {
			return err
		}
		_, err = compute.NewEdge(ctx, "web-bff", args)
		return err
	})
	self := p.one(contract.TypeTLSSelfSignedCert, "web-bff-edge")
	assert.Equal(t, []any{"web-bff.example.com"}, self.Inputs["dnsNames"])
	imported := p.one(contract.TypeACMCertificate, "web-bff-edge")
	assert.Equal(t, map[string]any{contract.ServiceTag: "web-bff", contract.SelfSignedTag: "true"}, tags(imported))
	assert.Equal(t, imported.ID, p.one(contract.TypeListener, "web-bff-https").Inputs["certificateArn"])
}

// serviceArgs are a service's args with stand-ins for its roles, cluster and network.
func serviceArgs(ctx *pulumi.Context, scope stack.Scope) (*compute.ServiceArgs, error) {
	task, err := iam.NewRole(ctx, "users-task-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
	if err != nil {
		return nil, err
	}
	exec, err := iam.NewRole(ctx, "users-exec-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
	if err != nil {
		return nil, err
	}
	secretReady, err := newStub(ctx, "secret-version")
	if err != nil {
		return nil, err
	}
	network, err := newStub(ctx, "network-ready")
	if err != nil {
		return nil, err
	}
	return &compute.ServiceArgs{Scope: scope,
		ServiceSettings: compute.ServiceSettings{Name: "users", Port: 8443, Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0", CPU: 256, Memory: 512, DesiredCount: 2},
		ClusterArn:      pulumi.String("arn:aws:ecs:eu-west-1:123456789012:cluster/secure-vpc-test"), NamespaceID: pulumi.String("ns-0123456789abcdef"),
		PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}), SecurityGroupIDs: pulumi.ToStringArray([]string{"sg-svc", "sg-all"}),
		TaskRole: task, ExecutionRole: exec, LogsKeyArn: pulumi.String(logsKey), LogRetentionDays: 30,
		SecretsKeyArn: pulumi.String(secretsKey), DataKeyArn: pulumi.String(dataKey),
		Secrets: []compute.InjectedSecret{{Env: "TLS_CERTIFICATE", Arn: pulumi.String("arn:aws:secretsmanager:eu-west-1:123456789012:secret:secure-vpc/test/tls/users-1-abcdef"),
			JSONKey: "certificate", Ready: []pulumi.Resource{secretReady}}},
		Environment: map[string]pulumi.StringInput{"SERVICE_NAME": pulumi.String("users"), "PORT": pulumi.String("8443")},
		Buckets:     []compute.BucketAccess{{Name: "uploads", Arn: pulumi.String("arn:aws:s3:::uploads-test-1"), Write: true}},
		DependsOn:   []pulumi.Resource{network},
	}, nil
}

// A Service is its encrypted log group, the exact permissions of its two roles, a read-only,
// non-root task with its secrets injected from Secrets Manager, a Cloud Map name, and an ECS
// service in the private subnets that waits for everything its tasks need at start.
func TestService(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		p := runAlone(t, func(ctx *pulumi.Context) error {
			args, err := serviceArgs(ctx, scope)
			if err != nil {
				return err
			}
			_, err = compute.NewService(ctx, "users", args)
			return err
		})
		comp := p.component(contract.TypeService)
		assert.Equal(t, map[string]int{contract.TypeLogGroup: 1, contract.TypeRolePolicy: 2, contract.TypeTaskDefinition: 1, contract.TypeDiscoveryService: 1, contract.TypeECSService: 1},
			count(p.children(comp.URN)))
		logs := p.one(contract.TypeLogGroup, "users-logs")
		assert.Equal(t, "/secure-vpc/test/services/users", logs.Inputs["name"])
		assert.Equal(t, logsKey, logs.Inputs["kmsKeyId"])
		assert.Equal(t, map[string]any{contract.ServiceTag: "users"}, tags(logs))
		assert.Equal(t, scope.Protect, logs.Protect)

		execPolicy := p.one(contract.TypeRolePolicy, "users-exec")
		assert.Equal(t, p.one(contract.TypeIAMRole, "users-exec-role").Outputs["name"], execPolicy.Inputs["role"])
		assert.Contains(t, execPolicy.Inputs["policy"], "secret:secure-vpc/test/tls/users-1-abcdef", "the execution role reads exactly its secrets")
		assert.Contains(t, execPolicy.Inputs["policy"], "repository/users", "and pulls only its image")
		taskPolicy := p.one(contract.TypeRolePolicy, "users-task")
		assert.Equal(t, p.one(contract.TypeIAMRole, "users-task-role").Outputs["name"], taskPolicy.Inputs["role"])
		assert.Contains(t, taskPolicy.Inputs["policy"], `"s3:PutObject"`, "a writer writes")

		td := p.one(contract.TypeTaskDefinition, "users")
		assert.Equal(t, "secure-vpc-test-users", td.Inputs["family"])
		assert.Equal(t, "256", td.Inputs["cpu"])
		assert.Equal(t, "512", td.Inputs["memory"])
		var containers []map[string]any
		require.NoError(t, json.Unmarshal([]byte(td.Inputs["containerDefinitions"].(string)), &containers))
		require.Len(t, containers, 1)
		c := containers[0]
		assert.Equal(t, true, c["readonlyRootFilesystem"])
		assert.Equal(t, compute.ContainerUser, c["user"])
		assert.Equal(t, false, c["privileged"])
		assert.Equal(t, []any{map[string]any{"name": "TLS_CERTIFICATE", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:secure-vpc/test/tls/users-1-abcdef:certificate::"}}, c["secrets"])
		assert.Equal(t, []any{map[string]any{"name": "PORT", "value": "8443"}, map[string]any{"name": "SERVICE_NAME", "value": "users"}}, c["environment"], "sorted, and nothing secret")
		assert.Equal(t, logs.Outputs["name"], c["logConfiguration"].(map[string]any)["options"].(map[string]any)["awslogs-group"])

		discovery := p.one(contract.TypeDiscoveryService, "users")
		assert.Equal(t, "users", discovery.Inputs["name"])
		assert.Equal(t, "ns-0123456789abcdef", in(discovery, "dnsConfig", "namespaceId"))

		svc := p.one(contract.TypeECSService, "users")
		assert.Equal(t, false, in(svc, "networkConfiguration", "assignPublicIp"))
		assert.Equal(t, []any{"subnet-a", "subnet-b"}, in(svc, "networkConfiguration", "subnets"))
		assert.Equal(t, "FARGATE", svc.Inputs["launchType"])
		assert.EqualValues(t, 2, svc.Inputs["desiredCount"])
		assert.Equal(t, map[string]any{"enable": true, "rollback": true}, svc.Inputs["deploymentCircuitBreaker"])
		assert.Equal(t, td.Outputs["arn"], svc.Inputs["taskDefinition"])
		assert.Nil(t, svc.Inputs["loadBalancers"], "no target group, no load balancer")
		for _, before := range []string{execPolicy.URN, taskPolicy.URN, p.one("test:index:Stub", "secret-version").URN, p.one("test:index:Stub", "network-ready").URN} {
			assert.Contains(t, svc.Dependencies, before, "the first task starts only once everything it needs exists")
		}
	}
}

// A service with no buckets or databases gets no task policy at all; behind a load balancer it
// registers with the target group and gets a grace period.
func TestServiceWithoutGrantsBehindALoadBalancer(t *testing.T) {
	p := runAlone(t, func(ctx *pulumi.Context) error {
		args, err := serviceArgs(ctx, testScope)
		if err != nil {
			return err
		}
		args.Buckets = nil
		args.TargetGroupArn = pulumi.String("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-bff-tg/0123456789abcdef")
		args.HealthCheckGraceSeconds = 60
		_, err = compute.NewService(ctx, "users", args)
		return err
	})
	assert.False(t, p.has(contract.TypeRolePolicy, "users-task"), "no grants, no task policy")
	svc := p.one(contract.TypeECSService, "users")
	assert.Equal(t, map[string]any{"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-bff-tg/0123456789abcdef", "containerName": "users", "containerPort": int64(8443)},
		in(svc, "loadBalancers", "0"))
	assert.EqualValues(t, 60, svc.Inputs["healthCheckGracePeriodSeconds"])
}
