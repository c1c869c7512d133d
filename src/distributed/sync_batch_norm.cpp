#include "distributed/sync_batch_norm.h"

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "distributed/process_group.h"
#include "models/batch_norm.h"

namespace dign::distributed {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

/// The all-reduce, kept alive in the autograd graph until backward has run.
struct AllReduceHolder : torch::CustomClassHolder {
  explicit AllReduceHolder(AllReduceSum f) : reduce(std::move(f)) {}
  AllReduceSum reduce;
};

/// BatchNorm's running statistics (undefined when not tracked), updated in forward. Not
/// autograd inputs: autograd::Function takes no undefined tensor as an input.
struct RunningStats {
  Tensor mean, var;
};

/// An autograd input that may be undefined (not affine).
c10::optional<Tensor> optional(const Tensor& t) {
  return t.defined() ? c10::optional<Tensor>(t) : c10::nullopt;
}

/// [C] -> [1, C, 1, 1], to broadcast over [N, C, H, W].
Tensor per_channel(const Tensor& v) {
  return v.view({1, -1, 1, 1});
}

torch::ScalarType compute_type(const Tensor& x) {
  return x.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
}

class SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
 public:
  static Tensor forward(AutogradContext* ctx, const Tensor& x,
                        const c10::optional<Tensor>& weight_or_none,
                        const c10::optional<Tensor>& bias_or_none, const RunningStats& running,
                        double momentum, double eps,
                        const c10::intrusive_ptr<AllReduceHolder>& all_reduce) {
    const Tensor weight = weight_or_none.value_or(Tensor());
    const Tensor bias = bias_or_none.value_or(Tensor());
    const Tensor& running_mean = running.mean;
    const Tensor& running_var = running.var;
    const int64_t channels = x.size(1);
    const Tensor xc = x.to(compute_type(x));
    // One all-reduce of [sum x (C), sum x^2 (C), count], accumulated in double: the variance is
    // E[x^2] - E[x]^2 over the union batch, whose cancellation float sums would not survive.
    Tensor stats = torch::empty({2 * channels + 1}, torch::kDouble);
    stats.slice(0, 0, channels).copy_(xc.sum({0, 2, 3}, false, torch::kDouble));
    stats.slice(0, channels, 2 * channels).copy_(xc.square().sum({0, 2, 3}, false, torch::kDouble));
    stats[2 * channels].fill_(static_cast<double>(x.numel() / channels));
    all_reduce->reduce(stats);
    const double count = stats[2 * channels].item<double>();
    TORCH_CHECK(count > 1,
                "sync BatchNorm: expected more than 1 value per channel when training, "
                "got input size ",
                x.sizes(), " on this rank and ", count, " in all");
    const Tensor mean = stats.slice(0, 0, channels) / count;
    const Tensor var = (stats.slice(0, channels, 2 * channels) / count - mean * mean).clamp_min(0);
    const Tensor invstd = (var + eps).rsqrt();

    // As BatchNorm: running = (1 - momentum) * running + momentum * batch, the unbiased variance.
    if (running_mean.defined()) {
      running_mean.mul_(1 - momentum).add_(mean.to(running_mean.scalar_type()), momentum);
    }
    if (running_var.defined()) {
      running_var.mul_(1 - momentum)
          .add_((var * (count / (count - 1))).to(running_var.scalar_type()), momentum);
    }

    const Tensor mean_c = mean.to(xc.scalar_type());
    const Tensor invstd_c = invstd.to(xc.scalar_type());
    Tensor out = (xc - per_channel(mean_c)) * per_channel(invstd_c);
    if (weight.defined()) out = out * per_channel(weight.to(xc.scalar_type()));
    if (bias.defined()) out = out + per_channel(bias.to(xc.scalar_type()));

    ctx->save_for_backward({x, weight, mean_c, invstd_c});
    ctx->saved_data["count"] = count;
    ctx->saved_data["has_bias"] = bias.defined();
    ctx->saved_data["all_reduce"] = c10::IValue::make_capsule(all_reduce);
    return out.to(x.scalar_type());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const Tensor& x = saved[0];
    const Tensor& weight = saved[1];
    const Tensor& mean = saved[2];
    const Tensor& invstd = saved[3];
    const double count = ctx->saved_data["count"].toDouble();
    const bool has_bias = ctx->saved_data["has_bias"].toBool();
    const auto all_reduce = c10::static_intrusive_pointer_cast<AllReduceHolder>(
        ctx->saved_data["all_reduce"].toCapsule());

    const int64_t channels = x.size(1);
    const Tensor xc = x.to(compute_type(x));
    const Tensor dy = grads[0].defined() ? grads[0].to(xc.scalar_type()) : torch::zeros_like(xc);
    const Tensor xhat = (xc - per_channel(mean)) * per_channel(invstd);
    // The local sums are this rank's weight and bias gradients; their sums over the ranks enter
    // the input gradient: dx = w * invstd * (dy - mean(dy) - xhat * mean(dy * xhat)).
    const Tensor sum_dy = dy.sum({0, 2, 3}, false, torch::kDouble);
    const Tensor sum_dy_xhat = (dy * xhat).sum({0, 2, 3}, false, torch::kDouble);
    Tensor sums = torch::cat({sum_dy, sum_dy_xhat});
    all_reduce->reduce(sums);
    const Tensor mean_dy = (sums.slice(0, 0, channels) / count).to(xc.scalar_type());
    const Tensor mean_dy_xhat =
        (sums.slice(0, channels, 2 * channels) / count).to(xc.scalar_type());

    Tensor scale = invstd;
    if (weight.defined()) scale = scale * weight.to(xc.scalar_type());
    const Tensor dx =
        (dy - per_channel(mean_dy) - xhat * per_channel(mean_dy_xhat)) * per_channel(scale);

    Tensor grad_weight, grad_bias;
    if (weight.defined()) grad_weight = sum_dy_xhat.to(weight.scalar_type());
    if (has_bias) grad_bias = sum_dy.to(weight.defined() ? weight.scalar_type() : x.scalar_type());
    // One gradient per forward argument: x, weight, bias, then four without one.
    return {dx.to(x.scalar_type()), grad_weight, grad_bias, Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

/// The models::BatchNorm2d layers of `model`; dign::Error when there is none, or another kind
/// of BatchNorm that cannot be synchronised.
std::vector<models::BatchNorm2dImpl*> batch_norm_layers(torch::nn::Module& model) {
  std::vector<models::BatchNorm2dImpl*> layers;
  for (const auto& item : model.named_modules("model")) {
    torch::nn::Module& m = *item.value();
    if (auto* bn = m.as<models::BatchNorm2dImpl>()) {
      layers.push_back(bn);
    } else if (m.as<torch::nn::BatchNorm1dImpl>() || m.as<torch::nn::BatchNorm2dImpl>() ||
               m.as<torch::nn::BatchNorm3dImpl>()) {
      throw Error("--sync-bn: the layer " + item.key() +
                  " is a BatchNorm this build cannot synchronise (only the BatchNorm2d of "
                  "dign's convolutional architectures)");
    }
  }
  if (layers.empty()) {
    throw Error(
        "--sync-bn: the model has no BatchNorm layer, so there are no statistics to "
        "synchronise; drop the flag");
  }
  return layers;
}

}  // namespace

torch::Tensor sync_batch_norm(const torch::Tensor& x, const torch::Tensor& weight,
                              const torch::Tensor& bias, const torch::Tensor& running_mean,
                              const torch::Tensor& running_var, double momentum, double eps,
                              const AllReduceSum& all_reduce) {
  TORCH_CHECK(x.dim() == 4, "sync BatchNorm: expected a 4-D input [N, C, H, W], got ", x.dim(),
              "-D");
  TORCH_CHECK(x.is_floating_point(), "sync BatchNorm: expected a floating-point input");
  return SyncBatchNormFunction::apply(x, optional(weight), optional(bias),
                                      RunningStats{running_mean, running_var}, momentum, eps,
                                      c10::make_intrusive<AllReduceHolder>(all_reduce));
}

torch::Tensor sync_batch_norm(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x,
                              const AllReduceSum& all_reduce) {
  const auto& options = bn.options;
  // As torch::nn::BatchNorm2d's forward: no momentum is a cumulative average.
  double momentum = options.momentum().value_or(0.0);
  const bool track = options.track_running_stats();
  if (track && bn.num_batches_tracked.defined()) {
    bn.num_batches_tracked += 1;
    if (!options.momentum()) momentum = 1.0 / bn.num_batches_tracked.item<double>();
  }
  return sync_batch_norm(x, bn.weight, bn.bias, track ? bn.running_mean : torch::Tensor(),
                         track ? bn.running_var : torch::Tensor(), momentum, options.eps(),
                         all_reduce);
}

int64_t enable_sync_batch_norm(torch::nn::Module& model, AllReduceSum all_reduce) {
  const auto layers = batch_norm_layers(model);
  for (auto* bn : layers) {
    bn->set_training_forward(
        [all_reduce](torch::nn::BatchNorm2dImpl& layer, const torch::Tensor& x) {
          return sync_batch_norm(layer, x, all_reduce);
        });
  }
  return static_cast<int64_t>(layers.size());
}

int64_t enable_sync_batch_norm(torch::nn::Module& model, ProcessGroup* group) {
  if (group == nullptr || group->size() == 1) {
    return static_cast<int64_t>(batch_norm_layers(model).size());
  }
  ProcessGroup* g = group;  // the group outlives training (see the header)
  return enable_sync_batch_norm(model, [g](torch::Tensor& t) {
    std::vector<at::Tensor> tensors{t};
    g->all_reduce_sum(tensors);
    if (!tensors[0].is_same(t)) t.copy_(tensors[0]);
  });
}

void disable_sync_batch_norm(torch::nn::Module& model) {
  for (const auto& m : model.modules()) {
    if (auto* bn = m->as<models::BatchNorm2dImpl>()) bn->set_training_forward(nullptr);
  }
}

}  // namespace dign::distributed
