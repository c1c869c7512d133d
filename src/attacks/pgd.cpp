#include "attacks/pgd.h"

#include <limits>

#include "core/error.h"
#include "models/eval_mode_guard.h"

namespace dign::attacks {
namespace {

// Per-example l2 norm of [N,...] as [N,1,...,1], for broadcasting.
torch::Tensor example_norms(const torch::Tensor& t) {
  return t.flatten(1).norm(2, 1).view({-1, 1, 1, 1});
}

torch::Tensor project_ball(const torch::Tensor& delta, const PgdSettings& s) {
  if (s.norm == Norm::linf) return delta.clamp(-s.epsilon, s.epsilon);
  return delta * (s.epsilon / example_norms(delta).clamp_min(s.epsilon));
}

}  // namespace

torch::Tensor draw_start(const torch::Tensor& images, const PgdSettings& s,
                         torch::Generator& generator) {
  switch (s.start) {
    case Start::zero:
      return torch::zeros_like(images);
    case Start::small_normal:
      return 0.001 * at::normal(0.0, 1.0, images.sizes(), generator, images.options());
    case Start::uniform:
      if (s.norm == Norm::linf) {
        return at::empty(images.sizes(), images.options())
            .uniform_(-s.epsilon, s.epsilon, generator);
      }
      {
        auto direction = at::normal(0.0, 1.0, images.sizes(), generator, images.options());
        direction = direction / example_norms(direction).clamp_min(1e-12);
        auto radius = at::empty({images.size(0), 1, 1, 1}, images.options())
                          .uniform_(0.0, s.epsilon, generator);
        return direction * radius;
      }
  }
  throw Error("internal: unknown PGD start");
}

Norm norm_named(const std::string& name, const std::string& field) {
  if (name == "linf") return Norm::linf;
  if (name == "l2") return Norm::l2;
  throw OptionError(field, detail::concat("expected linf or l2, got '", name, "'"));
}

PerExampleLoss cross_entropy_of(torch::Tensor labels) {
  return [labels = std::move(labels)](const torch::Tensor& logits) {
    return torch::nn::functional::cross_entropy(
        logits.to(torch::kFloat32), labels,
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
  };
}

torch::Tensor pgd(models::ClassifierImpl& model, const torch::Tensor& images,
                  const PerExampleLoss& loss, const PgdSettings& s, torch::Generator& generator,
                  const torch::Tensor& start) {
  DIGN_CHECK(s.epsilon >= 0 && s.steps >= 1 && s.step_size >= 0,
             "internal: PGD needs epsilon >= 0, steps >= 1 and step_size >= 0");
  models::EvalModeGuard eval_mode(model);
  const auto x = images.detach();
  // Keeping x + delta in [0,1] after the ball projection keeps it in both: the box is
  // per-coordinate and contains x, so clamping can only shrink |delta| in every coordinate.
  const auto initial = start.defined() ? start.to(x.options()) : draw_start(x, s, generator);
  auto delta = (x + project_ball(initial, s)).clamp(0, 1) - x;
  torch::Tensor best = x + delta;
  torch::Tensor best_loss;
  auto keep_if_higher = [&](const torch::Tensor& candidate, const torch::Tensor& value) {
    if (!best_loss.defined()) {
      best = candidate.detach().clone();
      best_loss = value.detach();
      return;
    }
    const auto higher = value.detach() > best_loss;
    best = torch::where(higher.view({-1, 1, 1, 1}), candidate.detach(), best);
    best_loss = torch::where(higher, value.detach(), best_loss);
  };
  for (int64_t step = 0; step < s.steps; ++step) {
    delta.requires_grad_(true);
    const auto adversarial = x + delta;
    const auto value = loss(model.forward(adversarial));
    if (s.keep_best) keep_if_higher(adversarial, value);
    // With respect to delta only: the parameters' .grad stay untouched.
    auto gradient = torch::autograd::grad({value.sum()}, {delta})[0].to(x.scalar_type());
    delta = delta.detach();
    if (s.norm == Norm::linf) {
      delta = delta + s.step_size * gradient.sign();
    } else {
      delta = delta + s.step_size * gradient / example_norms(gradient).clamp_min(1e-12);
    }
    delta = (x + project_ball(delta, s)).clamp(0, 1) - x;
  }
  if (!s.keep_best) return (x + delta).detach();
  {
    torch::NoGradGuard no_grad;
    keep_if_higher(x + delta, loss(model.forward(x + delta)));
  }
  return best;
}

}  // namespace dign::attacks
