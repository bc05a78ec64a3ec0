#!/usr/bin/env bash
# Creates, once per AWS account, what Pulumi itself needs before any stack exists: an S3 bucket
# for the state (versioned, SSE-KMS, private, TLS-only) and a KMS key per stack for the stacks'
# secrets (the `secretsprovider` of each Pulumi.<stack>.yaml). Run it with an administrator's
# credentials; CI never runs it. Usage: bootstrap/state-backend.sh <bucket-name> [region]
set -euo pipefail
bucket=${1:?usage: $0 <bucket-name> [region]}
region=${2:-eu-west-1}
account=$(aws sts get-caller-identity --query Account --output text)

key_for() { # the KMS key behind an alias, created when missing
  local alias=alias/$1 id
  id=$(aws kms describe-key --region "$region" --key-id "$alias" --query KeyMetadata.Arn --output text 2>/dev/null || true)
  if [ -z "$id" ] || [ "$id" = None ]; then
    id=$(aws kms create-key --region "$region" --description "$2" --query KeyMetadata.Arn --output text)
    aws kms enable-key-rotation --region "$region" --key-id "$id"
    aws kms create-alias --region "$region" --alias-name "$alias" --target-key-id "$id"
  fi
  echo "$id"
}

state_key=$(key_for secure-vpc-pulumi-state "secure-vpc: Pulumi state bucket")
for stack in dev staging prod; do
  key_for "secure-vpc-pulumi-$stack" "secure-vpc: secrets of the $stack stack" > /dev/null
done

if ! aws s3api head-bucket --bucket "$bucket" 2>/dev/null; then
  aws s3api create-bucket --bucket "$bucket" --region "$region" --create-bucket-configuration LocationConstraint="$region"
fi
aws s3api put-public-access-block --bucket "$bucket" --public-access-block-configuration \
  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
aws s3api put-bucket-ownership-controls --bucket "$bucket" --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'
aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
aws s3api put-bucket-encryption --bucket "$bucket" --server-side-encryption-configuration \
  "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"$state_key\"},\"BucketKeyEnabled\":true}]}"
aws s3api put-bucket-policy --bucket "$bucket" --policy \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyPlaintext\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::$bucket\",\"arn:aws:s3:::$bucket/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"

echo "State backend ready in account $account:"
echo "  pulumi login 's3://$bucket?region=$region&awssdk=v2'"
echo "  pulumi stack init dev --secrets-provider='awskms://alias/secure-vpc-pulumi-dev?region=$region'"
