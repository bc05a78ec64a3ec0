package platform

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// RepositoryURL is the URL of a service's own ECR repository in the stack:
// <account>.dkr.ecr.<region>.amazonaws.com/<naming.Repository>
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Repositories.html).
func RepositoryURL(account, region, stack, service string) string {
	return awslimits.ECRRegistryHost(account, region) + "/" + naming.Repository(service, stack)
}

// ownImage is the image reference of a tag or digest in a repository.
func ownImage(repository, tagOrDigest string) string {
	if strings.HasPrefix(tagOrDigest, "sha256:") {
		return repository + "@" + tagOrDigest
	}
	return repository + ":" + tagOrDigest
}

// resolveOwnImages makes the image of every service that names an imageTag its own repository at
// that tag or digest, and gives the migration task of a database whose owner does so, and that
// sets no migrationImage, the owner's image. Build calls it once the account is known.
func resolveOwnImages(spec *Spec, account string) {
	for name, svc := range spec.Services {
		if svc.ImageTag != "" && svc.Image == "" {
			svc.Image = ownImage(RepositoryURL(account, spec.Region, spec.Stack, name), svc.ImageTag)
			spec.Services[name] = svc
		}
	}
	for name, db := range spec.Databases {
		if db.MigrationImage == "" {
			db.MigrationImage = spec.Services[db.Owner].Image
			spec.Databases[name] = db
		}
	}
}

// inRepository reports whether an image is in a repository (its URL).
func inRepository(image, repository string) bool {
	return strings.HasPrefix(image, repository+":") || strings.HasPrefix(image, repository+"@")
}

// newRegistry creates a repository per service, pulled by the service's execution role and by
// the execution role of every migration task whose image is in it.
func newRegistry(ctx *pulumi.Context, spec *Spec, account string, keys *secrets.Keyring, ids *compute.Identities) (*compute.Registry, error) {
	args := &compute.RegistryArgs{Scope: spec.Scope(account), ImagesKeyArn: keys.ImagesKeyArn, PusherArns: spec.ImagePushRoleArns, DeployerArns: spec.DeployRoleArns}
	for _, name := range sortedNames(spec.Services) {
		url := RepositoryURL(account, spec.Region, spec.Stack, name)
		repo := compute.RegistryRepository{Service: name, Name: naming.Repository(name, spec.Stack), PullerArns: []pulumi.StringInput{ids.ExecutionRole(name).Arn}}
		for _, db := range sortedNames(spec.Databases) {
			if inRepository(spec.Databases[db].MigrationImage, url) {
				repo.PullerArns = append(repo.PullerArns, ids.MigrationExecutionRole(db).Arn)
			}
		}
		args.Repositories = append(args.Repositories, repo)
	}
	registry, err := compute.NewRegistry(ctx, "images", args)
	if err != nil {
		return nil, fmt.Errorf("creating registry: %w", err)
	}
	if spec.EnhancedImageScanning {
		if _, err := compute.NewRegistryScanning(ctx, "image-scanning", &compute.RegistryScanningArgs{AccountID: account}); err != nil {
			return nil, fmt.Errorf("creating registry scanning: %w", err)
		}
	}
	return registry, nil
}
