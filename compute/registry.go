package compute

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/inspector2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute/rolepolicy"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// RegistryRepository is one service's repository.
type RegistryRepository struct {
	// Service is the service it holds the images of; the repository is named
	// naming.Repository(Service, stack). Required.
	Service string
	// Name is the repository's name (naming.Repository). Required.
	Name string
	// PullerArns are the execution roles that may pull from it: the service's, and the migration
	// task's of a database whose migration image is in it. Required: at least one.
	PullerArns []pulumi.StringInput
}

// RegistryArgs configures the stack's repositories.
type RegistryArgs struct {
	// Scope is the stack the repositories belong to; all of it is required. Protect keeps them
	// from deletion (staging and prod); without it a repository is deleted with its images
	// (forceDelete) when the stack is destroyed, so a dev stack can be torn down.
	stack.Scope
	// Repositories are the services' repositories, in any order. Required: at least one.
	Repositories []RegistryRepository
	// ImagesKeyArn is the customer-managed key the repositories are encrypted with (the Keyring's
	// images key). Required.
	ImagesKeyArn pulumi.StringInput
	// PusherArns are the IAM roles that push images (deploy.imagePushRoleArns), beside the
	// deploying roles. Optional.
	PusherArns []string
	// DeployerArns are the roles that run pulumi up (deploy.roleArns): they alone may change a
	// repository's policy, lifecycle or settings, and may push. Required: at least one.
	DeployerArns []string
}

// Registry is the stack's ECR repositories, one per service: encrypted with the images key, tags
// immutable (a pushed tag always names the same image), scanned on push, untagged images expired,
// and pulled only by the execution roles each admits.
type Registry struct {
	pulumi.ResourceState

	// RepositoryUrls are the repositories' URLs (<account>.dkr.ecr.<region>.amazonaws.com/<name>),
	// by service.
	RepositoryUrls pulumi.StringMapOutput `pulumi:"repositoryUrls"`

	repos map[string]*ecr.Repository
}

// Repository returns a service's repository (nil when it has none).
func (r *Registry) Repository(service string) *ecr.Repository { return r.repos[service] }

func (a *RegistryArgs) validate() error {
	switch {
	case a == nil || len(a.Repositories) == 0:
		return fmt.Errorf("registry: at least one repository is required")
	case a.ImagesKeyArn == nil:
		return fmt.Errorf("registry: the images key is required")
	case len(a.DeployerArns) == 0:
		return fmt.Errorf("registry: the deploying roles are required")
	}
	for _, r := range a.Repositories {
		if r.Service == "" || r.Name == "" || len(r.PullerArns) == 0 {
			return fmt.Errorf("registry: repository %q needs its service, name and at least one puller", r.Name)
		}
	}
	return a.Check()
}

// NewRegistry creates the repositories, each with its lifecycle policy and repository policy
// (rolepolicy.RepositoryPolicy, rolepolicy.LifecyclePolicy).
func NewRegistry(ctx *pulumi.Context, name string, args *RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	reg := &Registry{repos: map[string]*ecr.Repository{}}
	if err := ctx.RegisterComponentResource(contract.TypeRegistry, name, reg, opts...); err != nil {
		return nil, fmt.Errorf("registering registry: %w", err)
	}
	lifecycle, err := json.Marshal(rolepolicy.LifecyclePolicy())
	if err != nil {
		return nil, fmt.Errorf("building lifecycle policy: %w", err)
	}
	urls := pulumi.StringMap{}
	repos := slices.Clone(args.Repositories)
	slices.SortFunc(repos, func(a, b RegistryRepository) int { return strings.Compare(a.Service, b.Service) })
	for _, rr := range repos {
		svc := rr.Service
		repo, err := ecr.NewRepository(ctx, svc, &ecr.RepositoryArgs{
			Name:               pulumi.String(rr.Name),
			ImageTagMutability: pulumi.String("IMMUTABLE"),
			ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
				ScanOnPush: pulumi.Bool(true),
			},
			EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{&ecr.RepositoryEncryptionConfigurationArgs{
				EncryptionType: pulumi.String("KMS"), KmsKey: args.ImagesKeyArn,
			}},
			ForceDelete: pulumi.Bool(!args.Protect),
			Tags:        pulumi.ToStringMap(args.Tags(svc, map[string]string{contract.ServiceTag: svc})),
		}, pulumi.Parent(reg), pulumi.Protect(args.Protect))
		if err != nil {
			return nil, fmt.Errorf("creating repository of %s: %w", svc, err)
		}
		if _, err := ecr.NewLifecyclePolicy(ctx, svc, &ecr.LifecyclePolicyArgs{
			Repository: repo.Name, Policy: pulumi.String(string(lifecycle)),
		}, pulumi.Parent(reg), pulumi.Protect(args.Protect)); err != nil {
			return nil, fmt.Errorf("creating lifecycle policy of %s: %w", svc, err)
		}
		account, pushers, deployers := args.AccountID, args.PusherArns, args.DeployerArns
		doc := pulumi.StringArray(rr.PullerArns).ToStringArrayOutput().ApplyT(func(pull []string) (string, error) {
			return rolepolicy.RepositoryPolicy(account, pull, pushers, deployers).JSON()
		}).(pulumi.StringOutput)
		if _, err := ecr.NewRepositoryPolicy(ctx, svc, &ecr.RepositoryPolicyArgs{
			Repository: repo.Name, Policy: doc,
		}, pulumi.Parent(reg), pulumi.Protect(args.Protect)); err != nil {
			return nil, fmt.Errorf("creating repository policy of %s: %w", svc, err)
		}
		reg.repos[svc] = repo
		urls[svc] = repo.RepositoryUrl
	}
	reg.RepositoryUrls = urls.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(reg, pulumi.Map{"repositoryUrls": reg.RepositoryUrls}); err != nil {
		return nil, fmt.Errorf("registering registry outputs: %w", err)
	}
	return reg, nil
}

// RegistryScanningArgs configures ECR enhanced scanning.
type RegistryScanningArgs struct {
	// AccountID is the account whose registry (in the provider's region) is scanned. Required.
	AccountID string
}

// RegistryScanning turns on ECR enhanced scanning for the account's registry in the stack's
// region: Amazon Inspector (enabled for ECR in the account) scans every repository on push and
// again whenever it learns of a new vulnerability (CONTINUOUS_SCAN), for the operating-system
// packages and the language packages of the images
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced.html). The
// configuration is one per registry: only one stack per account and region may own it.
type RegistryScanning struct {
	pulumi.ResourceState
}

// NewRegistryScanning creates the Inspector enabler and the registry scanning configuration.
func NewRegistryScanning(ctx *pulumi.Context, name string, args *RegistryScanningArgs, opts ...pulumi.ResourceOption) (*RegistryScanning, error) {
	if args == nil || args.AccountID == "" {
		return nil, fmt.Errorf("registry scanning: the account is required")
	}
	rs := &RegistryScanning{}
	if err := ctx.RegisterComponentResource(contract.TypeRegistryScanning, name, rs, opts...); err != nil {
		return nil, fmt.Errorf("registering registry scanning: %w", err)
	}
	// https://docs.aws.amazon.com/inspector/v2/APIReference/API_Enable.html: resourceTypes ECR.
	enabler, err := inspector2.NewEnabler(ctx, name, &inspector2.EnablerArgs{
		AccountIds: pulumi.ToStringArray([]string{args.AccountID}), ResourceTypes: pulumi.ToStringArray([]string{"ECR"}),
	}, pulumi.Parent(rs))
	if err != nil {
		return nil, fmt.Errorf("enabling inspector for ecr: %w", err)
	}
	// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html:
	// scanType ENHANCED; a rule's scanFrequency CONTINUOUS_SCAN; a WILDCARD filter "*" is every repository.
	if _, err := ecr.NewRegistryScanningConfiguration(ctx, name, &ecr.RegistryScanningConfigurationArgs{
		ScanType: pulumi.String("ENHANCED"),
		Rules: ecr.RegistryScanningConfigurationRuleArray{&ecr.RegistryScanningConfigurationRuleArgs{
			ScanFrequency: pulumi.String("CONTINUOUS_SCAN"),
			RepositoryFilters: ecr.RegistryScanningConfigurationRuleRepositoryFilterArray{&ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs{
				Filter: pulumi.String("*"), FilterType: pulumi.String("WILDCARD"),
			}},
		}},
	}, pulumi.Parent(rs), pulumi.DependsOn([]pulumi.Resource{enabler})); err != nil {
		return nil, fmt.Errorf("creating registry scanning configuration: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(rs, pulumi.Map{}); err != nil {
		return nil, fmt.Errorf("registering registry scanning outputs: %w", err)
	}
	return rs, nil
}
