# One EC2 instance per instance type, each running user-data.sh (install the package of its
# architecture or build from source, run the suite, copy the results to S3, power off; power-off
# terminates). An example to adapt, not a module: VPC, subnet, AMI and tags are yours to change.
# See docs/ec2.md.
#
#   terraform init
#   terraform apply -var results_bucket=my-ec2bench-results \
#     -var 'package_url=s3://my-ec2bench-results/packages/ec2bench_0.1.0_{arch}.deb'
#   aws s3 sync s3://my-ec2bench-results/ec2bench/ results/ --exclude '*' --include '*.json'
#   terraform destroy -var results_bucket=my-ec2bench-results

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.8" # aws_ssm_parameter.insecure_value
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be a region code such as us-east-1."
  }
}

variable "instance_types" {
  description = "Instance types to launch, `replicas` of each. Graviton types get the arm64 AMI, the others amd64."
  type        = list(string)
  default     = ["m7i.large", "m7a.large", "m7g.large"]
}

variable "replicas" {
  description = "Instances per type, on separate launches: a spread across hosts, not only within one."
  type        = number
  default     = 1
  validation {
    condition     = var.replicas >= 1 && floor(var.replicas) == var.replicas
    error_message = "replicas must be a positive integer."
  }
}

variable "results_bucket" {
  description = "An existing S3 bucket for the results files."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.results_bucket))
    error_message = "results_bucket must be an S3 bucket name: 3-63 of a-z, 0-9, '.' and '-'."
  }
}

variable "results_prefix" {
  description = "Key prefix for the results, no leading or trailing slash."
  type        = string
  default     = "ec2bench"
  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.results_prefix))
    error_message = "results_prefix: letters, digits, '.', '_', '-', separated by single '/'."
  }
}

variable "run_tag" {
  description = "Value of the ec2bench-run tag on every instance (Run Command can target it)."
  type        = string
  default     = "fleet-1"
}

variable "subnet_id" {
  description = "Subnet for every instance (one zone keeps the comparison fair). Null: a default-VPC subnet in availability_zone_id."
  type        = string
  default     = null
}

variable "availability_zone_id" {
  description = "Zone id (use1-az4, not us-east-1a) for the default-VPC subnet when subnet_id is null; null: the first default subnet."
  type        = string
  default     = null
}

variable "package_url" {
  description = "The ec2bench .deb per instance, https:// or s3://, with {arch} for amd64/arm64 (scripts/package, docs/ec2.md). Empty: each instance clones and builds ec2bench_ref."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^((https://|s3://[a-z0-9][a-z0-9.-]+/)[^\\s\"'$`]+)?$", var.package_url))
    error_message = "package_url: empty, https://... or s3://bucket/key, without spaces, quotes, '$' or '`'."
  }
}

variable "ami_parameters" {
  description = "SSM public parameters naming the current AMI per architecture. Null: Debian 12 with package_url (the packages are built on Debian 12), Ubuntu 22.04 without."
  type        = map(string)
  default     = null
}

variable "root_volume_gb" {
  type    = number
  default = 30
}

variable "ec2bench_ref" {
  description = "Tag, commit or origin/<branch> to build; empty: the default branch."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]*$", var.ec2bench_ref))
    error_message = "ec2bench_ref: letters, digits, '.', '_', '/', '-'."
  }
}

data "aws_partition" "current" {}

# The default VPC's subnet, only when no subnet is given.
data "aws_vpc" "default" {
  count   = var.subnet_id == null ? 1 : 0
  default = true
}

data "aws_subnets" "default" {
  count = var.subnet_id == null ? 1 : 0
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default[0].id]
  }
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
  dynamic "filter" {
    for_each = var.availability_zone_id == null ? [] : [var.availability_zone_id]
    content {
      name   = "availability-zone-id"
      values = [filter.value]
    }
  }
}

locals {
  # "m7g.large#0" => "m7g.large", one entry per instance to launch.
  instances = {
    for pair in setproduct(var.instance_types, range(var.replicas)) :
    "${pair[0]}#${pair[1]}" => pair[0]
  }
  subnet_id = var.subnet_id != null ? var.subnet_id : sort(data.aws_subnets.default[0].ids)[0]
  arch = {
    for t in var.instance_types : t =>
    contains(data.aws_ec2_instance_type.each[t].supported_architectures, "arm64") ? "arm64" : "amd64"
  }
  ami_parameters = var.ami_parameters != null ? var.ami_parameters : (var.package_url != "" ? {
    amd64 = "/aws/service/debian/release/12/latest/amd64"
    arm64 = "/aws/service/debian/release/12/latest/arm64"
    } : {
    amd64 = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"
    arm64 = "/aws/service/canonical/ubuntu/server/22.04/stable/current/arm64/hvm/ebs-gp2/ami-id"
  })
  # s3://bucket/key of the package, {arch} as a wildcard: what the instances may read.
  package_s3 = regexall("^s3://([^/]+)/(.+)$", var.package_url)
  package_read = length(local.package_s3) == 0 ? [] : [
    "arn:${data.aws_partition.current.partition}:s3:::${local.package_s3[0][0]}/${replace(local.package_s3[0][1], "{arch}", "*")}"
  ]
  # user-data.sh takes its settings from the environment: export them after the shebang.
  settings  = <<-EOT
    export S3_BUCKET="${var.results_bucket}" S3_PREFIX="${var.results_prefix}" S3_REGION="${var.region}"
    export REPO_REF="${var.ec2bench_ref}" PACKAGE_URL="${var.package_url}" SHUTDOWN_WHEN_DONE=yes
  EOT
  user_data = replace(file("${path.module}/user-data.sh"), "#!/bin/bash\n", "#!/bin/bash\n${local.settings}")
}

data "aws_subnet" "chosen" {
  id = local.subnet_id
}

data "aws_ec2_instance_type" "each" {
  for_each      = toset(var.instance_types)
  instance_type = each.key
}

data "aws_ssm_parameter" "ami" {
  for_each = local.ami_parameters
  name     = each.value
}

# Outbound only: apt, git or the package, and S3. Nothing listens; use Session Manager to look inside.
resource "aws_security_group" "egress_only" {
  name_prefix = "ec2bench-"
  description = "ec2bench: outbound only"
  vpc_id      = data.aws_subnet.chosen.vpc_id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "bench" {
  name_prefix        = "ec2bench-"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
}

# What the run needs: write objects under the prefix, and read the package if it is in S3.
resource "aws_iam_role_policy" "put_results" {
  name = "put-ec2bench-results"
  role = aws_iam_role.bench.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "arn:${data.aws_partition.current.partition}:s3:::${var.results_bucket}/${var.results_prefix}/*"
      }], [for r in local.package_read : {
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = r
    }])
  })
}

# Systems Manager: Run Command (docs/ec2.md) and Session Manager. Drop it if you use neither.
resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.bench.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "bench" {
  name_prefix = "ec2bench-"
  role        = aws_iam_role.bench.name
}

resource "aws_instance" "bench" {
  for_each = local.instances

  ami                         = data.aws_ssm_parameter.ami[local.arch[each.value]].insecure_value
  instance_type               = each.value
  subnet_id                   = local.subnet_id
  vpc_security_group_ids      = [aws_security_group.egress_only.id]
  associate_public_ip_address = true # apt and git need the internet; drop behind a NAT gateway
  iam_instance_profile        = aws_iam_instance_profile.bench.name

  user_data                            = local.user_data
  user_data_replace_on_change          = true
  instance_initiated_shutdown_behavior = "terminate" # the script's power-off ends the bill

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required" # IMDSv2 only; the probe speaks it
    http_put_response_hop_limit = 1          # 2 if the suite runs in a container
  }

  # The AMI's root volume type may be gp2, whose small volumes run on burst credits: ask for
  # gp3's fixed baseline so that fsync figures compare across the fleet.
  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_gb
    delete_on_termination = true
  }

  # Burstable types: unlimited, so that no run is throttled to the baseline (docs/ec2.md).
  dynamic "credit_specification" {
    for_each = can(regex("^t[0-9]", each.value)) ? ["unlimited"] : []
    content {
      cpu_credits = credit_specification.value
    }
  }

  tags = {
    Name           = "ec2bench-${replace(each.key, "#", "-")}"
    "ec2bench-run" = var.run_tag
  }

  depends_on = [aws_iam_role_policy.put_results]
}

output "instances" {
  description = "Instance id and availability zone per \"<type>#<n>\"."
  value       = { for k, i in aws_instance.bench : k => { id = i.id, zone = i.availability_zone } }
}

output "results" {
  value = "s3://${var.results_bucket}/${var.results_prefix}/"
}
