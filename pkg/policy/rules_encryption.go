package policy

import (
	"fmt"
	"strings"
)

// awsManagedKey reports whether a key id names an AWS-managed key (alias/aws/...), which the
// project does not use where a customer-managed key is possible.
func awsManagedKey(id string) bool { return strings.HasPrefix(id, "alias/aws/") }

// requireCMK returns a message when the key input at path is empty or an AWS-managed alias.
func requireCMK(r *Resource, path, what string) []string {
	if !r.set(path) {
		return []string{fmt.Sprintf("%s is not encrypted with a customer-managed KMS key (%s is not set)", what, path)}
	}
	if awsManagedKey(r.str(path)) {
		return []string{fmt.Sprintf("%s uses the AWS-managed key %s; use a customer-managed key", what, r.str(path))}
	}
	return nil
}

var encryptionRules = []Rule{
	{
		Name:          "kms-key-rotation",
		Description:   "Customer-managed symmetric KMS keys rotate automatically.",
		ResourceTypes: []string{TypeKmsKey},
		Check: func(r *Resource) []string {
			spec := r.str("customerMasterKeySpec")
			if spec != "" && spec != "SYMMETRIC_DEFAULT" {
				return nil // AWS rotates only symmetric encryption keys
			}
			if !r.boolean("enableKeyRotation") {
				return []string{"enableKeyRotation is not true"}
			}
			return nil
		},
	},
	{
		Name:          "sns-topic-encrypted",
		Description:   "SNS topics are encrypted with a customer-managed KMS key.",
		ResourceTypes: []string{TypeSnsTopic},
		Check:         func(r *Resource) []string { return requireCMK(r, "kmsMasterKeyId", "the topic") },
	},
	{
		Name:          "log-group-encrypted",
		Description:   "CloudWatch log groups are encrypted with a customer-managed KMS key.",
		ResourceTypes: []string{TypeLogGroup},
		Check:         func(r *Resource) []string { return requireCMK(r, "kmsKeyId", "the log group") },
	},
	{
		Name:          "secret-encrypted",
		Description:   "Secrets Manager secrets are encrypted with a customer-managed KMS key.",
		ResourceTypes: []string{TypeSecret},
		Check:         func(r *Resource) []string { return requireCMK(r, "kmsKeyId", "the secret") },
	},
	{
		Name:          "backup-vault-encrypted",
		Description:   "AWS Backup vaults encrypt recovery points with a customer-managed KMS key (not aws/backup).",
		ResourceTypes: []string{TypeBackupVault},
		Check:         func(r *Resource) []string { return requireCMK(r, "kmsKeyArn", "the backup vault") },
	},
	{
		Name:          "config-delivery-encrypted",
		Description:   "AWS Config delivery channels encrypt the snapshots and history they write to S3 with a customer-managed KMS key.",
		ResourceTypes: []string{TypeConfigDelivery},
		Check:         func(r *Resource) []string { return requireCMK(r, "s3KmsKeyArn", "the AWS Config delivery channel") },
	},
	{
		Name:          "ebs-encrypted",
		Description:   "EBS volumes (standalone and instances' block devices) are encrypted with a customer-managed KMS key.",
		ResourceTypes: []string{TypeEbsVolume, TypeInstance},
		Check: func(r *Resource) []string {
			if r.Type == TypeEbsVolume {
				if !r.boolean("encrypted") {
					return []string{"encrypted is not true"}
				}
				return requireCMK(r, "kmsKeyId", "the volume")
			}
			var out []string
			if !r.boolean("rootBlockDevice.encrypted") {
				out = append(out, "rootBlockDevice.encrypted is not true")
			}
			for i, d := range r.list("ebsBlockDevices") {
				if !sub(d).boolean("encrypted") {
					out = append(out, fmt.Sprintf("ebsBlockDevices[%d].encrypted is not true", i))
				}
			}
			return out
		},
	},
}
