package compute

import (
	"fmt"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// ElbLogDeliveryService is the principal that writes ALB access logs in Regions launched in or
// after August 2022, where no regional Elastic Load Balancing account exists (awsenv.ElbAccount).
const ElbLogDeliveryService = awsenv.ElbLogDeliveryService

// accessLogBucketPolicy lets Elastic Load Balancing write access logs of this account under
// AWSLogs/<account>/ and refuses every request without TLS. elbAccountArn is the regional ELB account
// ("arn:aws:iam::127311923021:root"), or "" in Regions that use the log delivery service principal.
func accessLogBucketPolicy(bucketArn string, acct kmskey.Account, elbAccountArn string) iampolicy.Document {
	principal := iampolicy.Service(ElbLogDeliveryService)
	if elbAccountArn != "" {
		principal = iampolicy.AWS(elbAccountArn)
	}
	return iampolicy.New(
		iampolicy.Statement{
			Sid:       "ElasticLoadBalancingWritesAccessLogs",
			Effect:    "Allow",
			Principal: principal,
			Action:    []string{"s3:PutObject"},
			Resource:  []string{fmt.Sprintf("%s/AWSLogs/%s/*", bucketArn, acct.ID)},
		},
		iampolicy.DenyInsecureTransport(bucketArn),
	)
}

// autoScalingServiceRoleArn is the EC2 Auto Scaling service-linked role, which launches the group's
// instances and so must be able to use the key of their encrypted volumes.
func autoScalingServiceRoleArn(acct kmskey.Account) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", acct.Partition, acct.ID)
}

// ebsKeyPolicy is the key policy of the instances' root volumes: the account administers the key
// through IAM; the stack's principals may use it (kmskey.Policy); the EC2 Auto Scaling service-linked role may use it and create grants for the volumes
// it attaches (AWS's documented statements for encrypted volumes in Auto Scaling groups).
//
// The service-linked role is matched by aws:PrincipalArn under Principal "*", not named as the
// principal: AWS creates AWSServiceRoleForAutoScaling with an account's first Auto Scaling group, and
// KMS refuses a key policy naming a role that does not exist yet ("MalformedPolicyDocumentException:
// Policy contains a statement with one or more invalid principals"), so naming it would fail the
// first `pulumi up` in a fresh account. The conditions still admit exactly that role of this account.
func ebsKeyPolicy(acct kmskey.Account, users kmskey.Users) iampolicy.Document {
	doc := kmskey.Policy(kmskey.Args{Account: acct, Users: users})
	onlyTheServiceLinkedRole := map[string]any{"aws:PrincipalArn": autoScalingServiceRoleArn(acct)}
	inThisAccount := map[string]any{"kms:CallerAccount": acct.ID}
	doc.Statement = append(doc.Statement,
		iampolicy.Statement{
			Sid:       "AutoScalingUsesKeyForVolumes",
			Effect:    "Allow",
			Principal: iampolicy.AllPrincipals(),
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"ArnEquals": onlyTheServiceLinkedRole, "StringEquals": inThisAccount},
		},
		iampolicy.Statement{
			Sid:       "AutoScalingAttachesEncryptedVolumes",
			Effect:    "Allow",
			Principal: iampolicy.AllPrincipals(),
			Action:    []string{"kms:CreateGrant"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{
				"ArnEquals":    onlyTheServiceLinkedRole,
				"StringEquals": inThisAccount,
				"Bool":         {"kms:GrantIsForAWSResource": true},
			},
		},
	)
	return doc
}

// instanceManagedPolicies are the only permissions of the instance role: Session Manager (no SSH, no
// key pair) and the CloudWatch agent.
func instanceManagedPolicies(partition string) []string {
	return []string{
		fmt.Sprintf("arn:%s:iam::aws:policy/AmazonSSMManagedInstanceCore", partition),
		fmt.Sprintf("arn:%s:iam::aws:policy/CloudWatchAgentServerPolicy", partition),
	}
}

// checkOriginSecret refuses an origin secret that would be weak or that the ALB would read as a
// pattern: in http-header conditions '*' and '?' are wildcards, and values are at most 128 characters.
func checkOriginSecret(s string) error {
	if len(s) < 32 || len(s) > 128 {
		return fmt.Errorf("the origin verify secret has %d characters; use 32 to 128", len(s))
	}
	if i := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}); i >= 0 {
		return fmt.Errorf("the origin verify secret has a disallowed character at position %d; use only letters, digits, '-', '_' and '.' (the ALB reads * and ? as wildcards)", i)
	}
	return nil
}
