package platform_test

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

const (
	execRole  = "arn:aws:iam::123456789012:role/users-exec-role"
	migration = "arn:aws:iam::123456789012:role/users-db-migration-exec"
	pusher    = "arn:aws:iam::123456789012:role/ci-build"
	deployer  = "arn:aws:iam::123456789012:role/secure-vpc-deploy"
)

func registryArgs(scope stack.Scope) *compute.RegistryArgs {
	return &compute.RegistryArgs{
		Scope: scope, ImagesKeyArn: pulumi.String("arn:aws:kms:eu-west-1:123456789012:key/images"),
		PusherArns: []string{pusher}, DeployerArns: []string{deployer},
		Repositories: []compute.RegistryRepository{
			{Service: "users", Name: "secure-vpc-test/users", PullerArns: []pulumi.StringInput{pulumi.String(execRole), pulumi.String(migration)}},
			{Service: "orders", Name: "secure-vpc-test/orders", PullerArns: []pulumi.StringInput{pulumi.String("arn:aws:iam::123456789012:role/orders-exec-role")}},
		},
	}
}

// A repository per service: KMS with the images key, immutable, scanned on push, untagged images
// expired, and a policy that denies pulling to all but its pullers, pushers and deployers;
// protected (and never force-deleted) with the scope.
func TestRegistry(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		p := runAlone(t, func(ctx *pulumi.Context) error {
			_, err := compute.NewRegistry(ctx, "images", registryArgs(scope))
			return err
		})
		comp := p.component(contract.TypeRegistry)
		assert.Equal(t, map[string]int{contract.TypeECRRepository: 2, contract.TypeECRLifecyclePolicy: 2, contract.TypeECRRepositoryPolicy: 2}, count(p.children(comp.URN)))
		repo := p.one(contract.TypeECRRepository, "users")
		assert.Equal(t, "secure-vpc-test/users", repo.Inputs["name"])
		assert.Equal(t, "IMMUTABLE", repo.Inputs["imageTagMutability"])
		assert.Equal(t, map[string]any{"scanOnPush": true}, repo.Inputs["imageScanningConfiguration"])
		assert.Equal(t, []any{map[string]any{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:eu-west-1:123456789012:key/images"}}, repo.Inputs["encryptionConfigurations"])
		assert.Equal(t, !scope.Protect, repo.Inputs["forceDelete"], "force delete only where nothing is protected")
		assert.Equal(t, "users", tags(repo)[contract.ServiceTag])
		for _, typ := range []string{contract.TypeECRRepository, contract.TypeECRLifecyclePolicy, contract.TypeECRRepositoryPolicy} {
			assert.Equal(t, scope.Protect, p.one(typ, "users").Protect, typ)
		}
		assert.Contains(t, p.one(contract.TypeECRLifecyclePolicy, "users").Inputs["policy"], `"tagStatus":"untagged"`)

		doc, err := policydoc.Parse(p.one(contract.TypeECRRepositoryPolicy, "users").Inputs["policy"].(string))
		require.NoError(t, err)
		var pullExempt, writeExempt, guardExempt []string
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Deny {
				continue
			}
			exempt := policydoc.StringList(st.Condition["ArnNotEquals"]["aws:PrincipalArn"])
			switch {
			case st.Covers("ecr:BatchGetImage"):
				pullExempt = exempt
			case st.Covers("ecr:PutImage"):
				writeExempt = exempt
			case st.Covers("ecr:SetRepositoryPolicy"):
				guardExempt = exempt
			}
		}
		assert.ElementsMatch(t, []string{execRole, migration, pusher, deployer,
			"arn:aws:iam::123456789012:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2"}, pullExempt)
		assert.NotContains(t, pullExempt, "arn:aws:iam::123456789012:role/orders-exec-role", "another service's execution role is denied")
		assert.ElementsMatch(t, []string{pusher, deployer}, writeExempt, "only pushers and deployers push")
		assert.Equal(t, []string{deployer}, guardExempt, "only deployers change the guards")
	}
}

// A registry needs its repositories, the images key and the deploying roles.
func TestRegistryArgsValidation(t *testing.T) {
	for name, breakArgs := range map[string]func(*compute.RegistryArgs){
		"no repository": func(a *compute.RegistryArgs) { a.Repositories = nil },
		"no key":        func(a *compute.RegistryArgs) { a.ImagesKeyArn = nil },
		"no deployer":   func(a *compute.RegistryArgs) { a.DeployerArns = nil },
		"no puller":     func(a *compute.RegistryArgs) { a.Repositories[0].PullerArns = nil },
	} {
		args := registryArgs(testScope)
		breakArgs(args)
		_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
			_, err := compute.NewRegistry(ctx, "images", args)
			return err
		})
		assert.Error(t, err, name)
	}
}

// Enhanced scanning: Inspector enabled for ECR in the account, and a registry scanning
// configuration of type ENHANCED scanning every repository continuously, after the enabler.
func TestRegistryScanning(t *testing.T) {
	p := runAlone(t, func(ctx *pulumi.Context) error {
		_, err := compute.NewRegistryScanning(ctx, "image-scanning", &compute.RegistryScanningArgs{AccountID: "123456789012"})
		return err
	})
	enabler := p.one(contract.TypeInspectorEnabler, "image-scanning")
	assert.Equal(t, []any{"ECR"}, enabler.Inputs["resourceTypes"])
	assert.Equal(t, []any{"123456789012"}, enabler.Inputs["accountIds"])
	cfg := p.one(contract.TypeECRRegistryScanningConfig, "image-scanning")
	assert.Equal(t, "ENHANCED", cfg.Inputs["scanType"])
	assert.Equal(t, "CONTINUOUS_SCAN", in(cfg, "rules", "0", "scanFrequency"))
	assert.Equal(t, "*", in(cfg, "rules", "0", "repositoryFilters", "0", "filter"))
	assert.Contains(t, cfg.Dependencies, enabler.URN)
}

// With deploy.enhancedImageScanning and a push role, the stack plans the scanning configuration
// and the Inspector enabler (both judged, none left unevaluated), the push role may push to every
// repository, and every invariant holds; without the setting, there is no scanning resource.
func TestEnhancedImageScanningAndPushRolesDeploy(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		src := testkit.Source(t, "dev")
		src.Values["secure-vpc:deploy"] = fmt.Sprintf(`{"roleArns":[%q],"imagePushRoleArns":[%q],"enhancedImageScanning":%t}`, "arn:aws:iam::123456789012:role/secure-vpc-deploy-dev", pusher, on)
		cloud, err := testkit.Run(t, src)
		require.NoError(t, err)
		e := cloud.Export()
		assert.Empty(t, policy.Failed(policy.Evaluate(&e)))
		assert.Empty(t, policy.NotEvaluated(query.NewIndex(&e)))
		assert.Equal(t, on, len(cloud.ByType(contract.TypeECRRegistryScanningConfig)) == 1, "scanning configuration when on")
		assert.Equal(t, on, len(cloud.ByType(contract.TypeInspectorEnabler)) == 1, "Inspector enabler when on")
		for _, rec := range cloud.ByType(contract.TypeECRRepositoryPolicy) {
			assert.Contains(t, rec.Inputs["policy"].StringValue(), pusher)
		}
	}
}

// First deploy: every ECS service is created after its repository, and does not wait for its
// tasks to run, so a service whose image is not pushed yet blocks nothing else.
func TestServicesFollowTheirRepositories(t *testing.T) {
	e := fixtures.Plan(t, "dev")
	repos := map[string]string{}
	for _, r := range e.Deployment.Resources {
		if r.Type == contract.TypeECRRepository {
			repos[query.Name(&r)] = r.URN
		}
	}
	services := 0
	for _, r := range e.Deployment.Resources {
		if r.Type != contract.TypeECSService {
			continue
		}
		services++
		assert.Contains(t, r.Dependencies, repos[query.Name(&r)], "%s waits for its repository", r.URN)
		assert.Equal(t, false, r.Inputs["waitForSteadyState"], "%s does not wait for its tasks", r.URN)
	}
	assert.Equal(t, 4, services)
}
