package platform

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each image rule of the loader, one row each: what a task can pull, the stack's own repository
// (imageTag), and, in staging and prod, a digest or the own repository.
func TestLoadImageRules(t *testing.T) {
	t.Parallel()
	digest := "sha256:" + strings.Repeat("cd", 32)
	const ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/"
	// users owns users-db; only its entry changes from row to row.
	services := func(users string) func(*Source) {
		return func(s *Source) {
			s.Values["secure-vpc:services"] = `{"web-bff":{"public":true,"port":8443,"imageTag":"1.0.0","calls":["users","orders"]},"mobile-bff":{"public":true,"port":8443,"imageTag":"1.0.0","calls":["users"]},"orders":{"port":8443,"imageTag":"1.0.0","calls":["users"]},"users":` + users + `}`
		}
	}
	env := func(name string) func(*Source) {
		return func(s *Source) {
			s.Values["secure-vpc:environment"] = name
			s.Values["secure-vpc:edge"] = `{"certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001"}`
		}
	}
	db := func(migrationImage string) func(*Source) {
		return func(s *Source) {
			s.Values["secure-vpc:databases"] = `{"users-db":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t4g.micro","migrationImage":"` + migrationImage + `"}}`
		}
	}
	deploy := func(extra string) func(*Source) {
		return func(s *Source) {
			s.Values["secure-vpc:deploy"] = `{"roleArns":["arn:aws:iam::123456789012:role/secure-vpc-deploy-dev"]` + extra + `}`
		}
	}
	all := func(fs ...func(*Source)) func(*Source) {
		return func(s *Source) {
			for _, f := range fs {
				f(s)
			}
		}
	}
	dockerHub := `"egress":["*.docker.io","production.cloudflare.docker.com","docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com"]`
	cases := []struct {
		name    string
		mutate  func(*Source)
		wantKey string // "" = accepted
		wantMsg string
	}{
		{"the stack's own repository by tag", services(`{"port":8443,"imageTag":"2.0.1"}`), "", ""},
		{"the stack's own repository by digest", services(`{"port":8443,"imageTag":"` + digest + `"}`), "", ""},
		{"another service's repository of the stack", services(`{"port":8443,"image":"` + ecr + `secure-vpc-dev/orders:1.0.0"}`), "secure-vpc:services.users.image", "is in the stack's repository of orders, whose policy lets only the execution roles of service orders pull"},
		{"another service's repository of the stack by digest", services(`{"port":8443,"image":"` + ecr + `secure-vpc-dev/orders@` + digest + `"}`), "secure-vpc:services.users.image", "push the image to users's own repository and set secure-vpc:services.users.imageTag"},
		{"its own repository of the stack by image", services(`{"port":8443,"image":"` + ecr + `secure-vpc-dev/users:2.0.1"}`), "secure-vpc:services.users.image", "name it with secure-vpc:services.users.imageTag instead of image"},
		{"a repository of another stack", services(`{"port":8443,"image":"` + ecr + `secure-vpc-staging/users:2.0.1"}`), "", ""},
		{"image and imageTag", services(`{"port":8443,"imageTag":"2.0.1","image":"` + ecr + `users:2.0.1"}`), "secure-vpc:services.users.imageTag", "is exclusive with image"},
		{"neither image nor imageTag", services(`{"port":8443}`), "secure-vpc:services.users.image", "required"},
		{"imageTag latest", services(`{"port":8443,"imageTag":"latest"}`), "secure-vpc:services.users.imageTag", "latest is a mutable tag"},
		{"imageTag not a tag", services(`{"port":8443,"imageTag":"-x/y"}`), "secure-vpc:services.users.imageTag", "is not an image tag"},
		{"imageTag a short digest", services(`{"port":8443,"imageTag":"sha256:abc"}`), "secure-vpc:services.users.imageTag", "is not a digest"},
		{"Docker Hub without its layer hosts", all(services(`{"port":8443,"image":"nginx:1.27","egress":["registry-1.docker.io","auth.docker.io"]}`), db(ecr+"m:1.0.0")),
			"secure-vpc:services.users.image", "lack production.cloudflare.docker.com, docker-images-prod."},
		{"Docker Hub with every host it is pulled from", all(services(`{"port":8443,"image":"nginx:1.27",`+dockerHub+`}`), db(ecr+"m:1.0.0")), "", ""},
		{"a registry host not among the destinations", all(services(`{"port":8443,"image":"ghcr.io/example/users:1.0","egress":["api.payments.example"]}`), db(ecr+"m:1.0.0")),
			"secure-vpc:services.users.image", "lack ghcr.io"},
		{"ECR of another region through NAT", all(services(`{"port":8443,"image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/users:1.0","egress":["123456789012.dkr.ecr.us-east-1.amazonaws.com","api.ecr.us-east-1.amazonaws.com","prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"]}`), db(ecr+"m:1.0.0")), "", ""},
		{"staging: an image by tag", all(env("staging"), services(`{"port":8443,"image":"`+ecr+`users:2.0.1"}`)), "secure-vpc:services.users.image", "in staging a task's image is pinned by digest"},
		{"prod: a public image by tag", all(env("prod"), services(`{"port":8443,"image":"nginx:1.27",`+dockerHub+`}`), db(ecr+"m@"+digest)), "secure-vpc:services.users.image", "in prod a task's image is pinned by digest"},
		{"staging: an image by digest", all(env("staging"), services(`{"port":8443,"image":"`+ecr+`users@`+digest+`"}`)), "", ""},
		{"staging: the own repository by tag", all(env("staging"), services(`{"port":8443,"imageTag":"2.0.1"}`)), "", ""},
		{"staging: a migration image by tag", all(env("staging"), services(`{"port":8443,"imageTag":"2.0.1"}`), db(ecr+"m:1.0.0")), "secure-vpc:databases.users-db.migrationImage", "remove secure-vpc:databases.users-db.migrationImage to run the owner's image"},
		{"staging: a migration image by digest", all(env("staging"), services(`{"port":8443,"imageTag":"2.0.1"}`), db(ecr+"m@"+digest)), "", ""},
		{"a push role", deploy(`,"imagePushRoleArns":["arn:aws:iam::123456789012:role/ci-build"]`), "", ""},
		{"a push role that is a user", deploy(`,"imagePushRoleArns":["arn:aws:iam::123456789012:user/ci"]`), "secure-vpc:deploy.imagePushRoleArns", "is not an IAM role ARN"},
		{"enhanced scanning not a boolean", deploy(`,"enhancedImageScanning":"yes"`), "secure-vpc:deploy.enhancedImageScanning", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := validSource()
			src.At = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
			services(`{"port":8443,"imageTag":"2.0.1"}`)(&src)
			tc.mutate(&src)
			_, err := Load(src)
			assertLoad(t, err, tc.wantKey, tc.wantMsg)
		})
	}
}

// imageTag becomes the stack's own repository once the account is known, and a database whose
// owner runs it, with no migrationImage, runs the same image; its repository admits both roles.
func TestOwnImagesResolveWithTheAccount(t *testing.T) {
	t.Parallel()
	src := validSource()
	src.Values["secure-vpc:services"] = strings.Replace(src.Values["secure-vpc:services"], `"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"`, `"imageTag":"2.0.1"`, 1)
	spec, err := Load(src)
	require.NoError(t, err)
	assert.Empty(t, spec.Services["users"].Image, "the account is not known yet")
	resolveOwnImages(spec, "210987654321")
	want := "210987654321.dkr.ecr.eu-west-1.amazonaws.com/secure-vpc-dev/users:2.0.1"
	assert.Equal(t, want, spec.Services["users"].Image)
	assert.Equal(t, want, spec.Databases["users-db"].MigrationImage)
	assert.True(t, inRepository(want, RepositoryURL("210987654321", "eu-west-1", "dev", "users")))
	assert.False(t, inRepository(want, RepositoryURL("210987654321", "eu-west-1", "dev", "use")), "a prefix of the name is another repository")
	assert.Equal(t, "r@sha256:x", ownImage("r", "sha256:x"))
}

// ownImages makes every service of a source that names an image by tag in ECR run that tag from
// its own repository of the stack instead (imageTag), as staging and prod require.
func ownImages(src *Source) {
	byTag := regexp.MustCompile(`"image":"[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/[a-z0-9-]+:([A-Za-z0-9_.-]+)"`)
	src.Values["secure-vpc:services"] = byTag.ReplaceAllString(src.Values["secure-vpc:services"], `"imageTag":"$1"`)
}
